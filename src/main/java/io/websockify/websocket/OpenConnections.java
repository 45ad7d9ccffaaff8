package io.websockify.websocket;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The built-in engine's open connections of one deployment, so that stopping it leaves none behind: sessions get
 * their close frame first (from the bridges), and whatever has not finished its closing handshake within the wait
 * is dropped. Thread-safe; holds one entry per open connection.
 */
public final class OpenConnections {
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();

    void add(WebSocketConnection c) {
        open.add(c);
    }

    void remove(WebSocketConnection c) {
        open.remove(c);
    }

    public int size() {
        return open.size();
    }

    /** Waits up to {@code wait} for the connections to close by themselves, then closes the rest. */
    public void closeAll(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (WebSocketConnection c : List.copyOf(open)) {
            c.abort(new IOException("the server is stopping"));
        }
    }
}
