package io.websockify.endpoint;

import io.websockify.bridge.Bridge;
import io.websockify.bridge.CloseStatus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live bridges of one deployment, so that undeploy or shutdown can close every session with 1001. Holds one
 * entry per open session and nothing else. Thread-safe.
 */
public final class SessionRegistry {
    private final Set<Bridge> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private volatile CloseStatus refusal = CloseStatus.SHUTDOWN;

    /** Refuses new sessions and closes every live one with {@code status} (the wrapped program exited). */
    public void closeAll(CloseStatus status) {
        refusal = status;
        closing = true;
        for (Bridge b : List.copyOf(live)) {
            b.abort(status, status.reason());
        }
    }

    /** The status a session refused by {@link #add} is closed with: 1001, or what {@link #closeAll(CloseStatus)} set. */
    public CloseStatus refusal() {
        return refusal;
    }

    /** Adds a bridge; returns false (and the caller must shut it) once the registry is closing. */
    public boolean add(Bridge bridge) {
        live.add(bridge);
        if (closing) {
            live.remove(bridge);
            return false;
        }
        return true;
    }

    public void remove(Bridge bridge) {
        live.remove(bridge);
    }

    public int size() {
        return live.size();
    }

    /** Refuses new sessions and shuts every live one down. */
    public void closeAll() {
        closing = true;
        for (Bridge b : List.copyOf(live)) {
            b.shutdown();
        }
    }
}
