package io.websockify.endpoint;

import io.websockify.config.Limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open sessions in total and per client address, so the upgrade gate can answer 503 before the upgrade.
 * A slot is taken before the upgrade and given back exactly once when the session ends or the upgrade fails.
 * Holds one counter per client address with open sessions, nothing more. Thread-safe.
 */
final class SessionLimiter {
    private final int max;
    private final int perClient;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> byClient = new ConcurrentHashMap<>();

    SessionLimiter(Limits limits) {
        this.max = limits.maxSessions();
        this.perClient = limits.maxSessionsPerClient();
    }

    /** A taken slot; {@link #release()} gives it back, once. */
    final class Slot {
        private final String client;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Slot(String client) {
            this.client = client;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                total.decrementAndGet();
                byClient.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        }
    }

    /** Takes a slot, or returns null when a limit is reached (naming which in {@code why[0]}). */
    Slot acquire(String clientAddress, String[] why) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            why[0] = "the server holds its maximum of " + max + " sessions";
            return null;
        }
        boolean[] ok = {true};
        byClient.compute(clientAddress, (k, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            if (c.get() >= perClient) {
                ok[0] = false;
            } else {
                c.incrementAndGet();
            }
            return c.get() == 0 ? null : c;
        });
        if (!ok[0]) {
            total.decrementAndGet();
            why[0] = "this client holds its maximum of " + perClient + " sessions";
            return null;
        }
        return new Slot(clientAddress);
    }

    int open() {
        return total.get();
    }
}
