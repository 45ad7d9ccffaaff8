package io.websockify.reactor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread that waits for readiness of sockets (targets, and the built-in engine's client connections) and
 * completes what became possible. Most operations never come here: channels try them on the caller's thread first,
 * and register with a reactor only when the socket is not ready. Completion handlers run on this thread, so they
 * must not block — the bridge's and the engine's never do.
 */
public final class Reactor implements AutoCloseable {

    /** Something registered with a reactor. Both methods run on the reactor's thread only. */
    public interface Selectable {
        /** Registers for (or updates, or cancels) what it now waits for. */
        void updateInterest(Selector selector);

        /** Performs what the selected key says became possible. */
        void ready(SelectionKey key);
    }

    private final Selector selector;
    private final Thread thread;
    /** Channels whose wanted operations changed; at most one entry per open channel. */
    private final Set<Selectable> changed = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    Reactor(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the reactor to re-read what {@code c} waits for. */
    public void changed(Selectable c) {
        changed.add(c);
        // On the reactor's own thread the loop looks at the changes before it waits again: no wake-up needed
        // (a streaming session hands its reads back here every few reads).
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    private void loop() {
        while (running) {
            try {
                if (changed.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow();
                }
                for (Selectable c : changed) {
                    changed.remove(c);
                    c.updateInterest(selector);
                }
                Set<SelectionKey> keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    try {
                        ((Selectable) k.attachment()).ready(k);
                    } catch (CancelledKeyException e) {
                        // Its channel was closed by another thread meanwhile: nothing left to do for it.
                    }
                }
                keys.clear();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                System.getLogger(Reactor.class.getName()).log(Level.WARNING, "socket reactor: " + e, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            selector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        thread.interrupt();
    }
}
