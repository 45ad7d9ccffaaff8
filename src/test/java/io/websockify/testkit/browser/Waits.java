package io.websockify.testkit.browser;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Polling for a state that other processes reach in their own time (a page connecting, a shell writing a file).
 * The deadline only bounds how long a broken run hangs; no test asserts anything about time.
 */
public final class Waits {
    private Waits() {
    }

    /**
     * Calls {@code probe} until it returns non-null and returns that; an exception from the probe ends the wait
     * at once. Fails with "timed out waiting for WHAT" (plus the last value seen, if {@code lastSeen} gives one).
     */
    public static <T> T until(Duration deadline, String what, Callable<T> probe) {
        return until(deadline, what, probe, null);
    }

    public static <T> T until(Duration deadline, String what, Callable<T> probe, Callable<String> lastSeen) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value;
            try {
                value = probe.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("while waiting for " + what + ": " + e, e);
            }
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - end > 0) {
                String seen = "";
                if (lastSeen != null) {
                    try {
                        seen = "; last seen: " + lastSeen.call();
                    } catch (Exception e) {
                        seen = "; (could not read the state: " + e + ")";
                    }
                }
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what + seen);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
