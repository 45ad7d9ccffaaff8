package io.websockify.token;

import io.websockify.target.Target;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers recent answers (found and not found) for a short time, with a fixed maximum number of entries: when
 * full, the least recently used entry goes. Failures are not cached. Thread-safe (one lock, held only for map
 * operations).
 */
final class LookupCache {
    /** What was answered and until when it may be reused. */
    record Answer(Optional<Target> target, long expiresNanos) {
    }

    private final long ttlNanos;
    private final LinkedHashMap<String, Answer> entries;

    LookupCache(long ttl, TimeUnit unit, int maxEntries) {
        this.ttlNanos = unit.toNanos(ttl);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The answer remembered for the token, or null when there is none or it is too old. */
    synchronized Answer get(String token) {
        Answer a = entries.get(token);
        if (a != null && System.nanoTime() - a.expiresNanos() >= 0) {
            entries.remove(token);
            return null;
        }
        return a;
    }

    synchronized void put(String token, Optional<Target> target) {
        if (ttlNanos > 0) {
            entries.put(token, new Answer(target, System.nanoTime() + ttlNanos));
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
