package io.websockify.wrap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upstream's rule, on a program that dies at once, with a clock stepped in whole seconds like upstream's poll. */
class RespawnThrottleTest {
    private static final long S = 1_000_000_000L;

    @Test
    void followsUpstreamsPattern() {
        RespawnThrottle t = new RespawnThrottle();
        List<Long> starts = new ArrayList<>();
        long base = 5_000 * S;
        for (long now = base; now <= base + 30 * S; now += S) {
            if (t.waitNanos(now) <= 0) {
                t.started(now);
                starts.add((now - base) / S);
            }
        }
        // Upstream (probed, polling once a second, first start 1 s before its first poll): 0, 1, 2, 11, 15, 20, 26.
        // Here the first start is also polled at once: 0, 1, 2, then the same 10 s pause and 4 to 6 s steps.
        assertEquals(List.of(0L, 1L, 2L, 11L, 15L, 20L, 26L), starts);
    }

    @Test
    void allowsThreeQuickStartsThenWaitsForTheMeanToBeTenSecondsOld() {
        RespawnThrottle t = new RespawnThrottle();
        long now = 123 * S;
        for (int i = 0; i < 3; i++) {
            assertTrue(t.waitNanos(now) <= 0, "start " + (i + 1) + " is free");
            t.started(now);
        }
        assertEquals(10 * S, t.waitNanos(now));
        assertEquals(S, t.waitNanos(now + 9 * S));
        assertTrue(t.waitNanos(now + 10 * S) <= 0);
    }

    /** nanoTime may be negative or near overflow; only differences matter. */
    @Test
    void worksAcrossAnyClockOrigin() {
        RespawnThrottle t = new RespawnThrottle();
        long now = Long.MAX_VALUE - 5 * S;
        t.started(now);
        t.started(now);
        t.started(now);
        assertEquals(S, t.waitNanos(now + 9 * S));
    }
}
