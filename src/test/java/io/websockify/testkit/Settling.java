package io.websockify.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/** What the backpressure tests share: waiting for a byte counter to stop, and the kernel's TCP buffer limits. */
public final class Settling {
    private Settling() {
    }

    /** Polls a counter until it has not moved for ten polls in a row (at most a minute); returns its value. */
    public static long settle(LongSupplier counter) throws InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 600 && still < 10; i++) {
            Thread.sleep(100);
            long now = counter.getAsLong();
            still = now == last ? still + 1 : 0;
            last = now;
        }
        return last;
    }

    /** The last number of a /proc sysctl file such as {@code /proc/sys/net/ipv4/tcp_wmem}, or {@code fallback}. */
    public static long procMax(String file, long fallback) throws IOException {
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            return fallback;
        }
        // Files.readString misreads procfs files (they claim size 0): read the line instead.
        String line;
        try (BufferedReader r = Files.newBufferedReader(p)) {
            line = r.readLine();
        }
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[parts.length - 1]);
    }
}
