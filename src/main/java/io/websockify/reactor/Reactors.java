package io.websockify.reactor;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's socket I/O threads: a fixed set of {@link Reactor}s, each new connection going to the next in turn.
 * Thread-safe; closing stops every thread.
 */
public final class Reactors implements AutoCloseable {
    private final Reactor[] reactors;
    private final AtomicInteger next = new AtomicInteger();

    /** Starts {@code threads} reactor threads named {@code prefix1}, {@code prefix2}, … */
    public Reactors(int threads, String prefix) throws IOException {
        reactors = new Reactor[Math.max(1, threads)];
        try {
            for (int i = 0; i < reactors.length; i++) {
                reactors[i] = new Reactor(prefix + (i + 1));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The reactor the next connection should use. */
    public Reactor next() {
        return reactors[Math.floorMod(next.getAndIncrement(), reactors.length)];
    }

    @Override
    public void close() {
        for (Reactor r : reactors) {
            if (r != null) {
                r.close();
            }
        }
    }
}
