package io.websockify.bench;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds blocking socket work in time: if a guard is not closed within its limit, the watchdog closes the
 * socket, which makes the blocked call fail. So a proxy that hangs makes the benchmark report an error instead of
 * waiting forever.
 */
final class Watchdog {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-watchdog");
        t.setDaemon(true);
        return t;
    });

    private Watchdog() {
    }

    /** A running guard; {@link #close()} disarms it. */
    static final class Guard implements AutoCloseable {
        private final ScheduledFuture<?> task;
        private volatile boolean fired;

        private Guard(Closeable c, long millis) {
            task = TIMER.schedule(() -> {
                fired = true;
                try {
                    c.close();
                } catch (IOException e) {
                    // already closed
                }
            }, millis, TimeUnit.MILLISECONDS);
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    static Guard guard(Closeable c, long millis) {
        return new Guard(c, millis);
    }
}
