package io.websockify.wrap;

import java.time.Duration;

/**
 * Upstream websockify's respawn rule: remember the last three start times (initially 0, 0, 0, i.e. the Unix
 * epoch, long ago) and allow a start only when the mean of those three is at least {@value #WINDOW_SECONDS} s in
 * the past. A program that dies at once is thus started three times in quick succession, then after a pause of
 * about 10 s, then every 3 to 6 s.
 *
 * <p>Times are {@link System#nanoTime()} values (any monotonic nanosecond clock). Not thread-safe: one
 * supervisor thread owns it.
 */
final class RespawnThrottle {
    static final int WINDOW_SECONDS = 10;
    private static final long WINDOW = Duration.ofSeconds(WINDOW_SECONDS).toNanos();

    private final long[] starts = new long[3];
    private int recorded;

    /** Records a start at {@code now}, dropping the oldest. */
    void started(long now) {
        starts[0] = starts[1];
        starts[1] = starts[2];
        starts[2] = now;
        recorded = Math.min(3, recorded + 1);
    }

    /** Nanoseconds to wait from {@code now} before the next start is allowed; zero or less means now. */
    long waitNanos(long now) {
        if (recorded < 3) {
            // A slot still holds upstream's initial 0 (1970): the mean is decades old.
            return 0;
        }
        // now - mean >= WINDOW  <=>  sum of (now - start) >= 3 * WINDOW; differences, not raw clock values, so
        // nothing overflows for any clock origin, and no division rounds the rule away.
        long deficit = 3 * WINDOW - ((now - starts[0]) + (now - starts[1]) + (now - starts[2]));
        return deficit <= 0 ? deficit : (deficit + 2) / 3;
    }
}
