package io.websockify.target;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread that waits for readiness of all Unix-socket target channels and completes their operations (the
 * JDK's asynchronous channels cannot open Unix sockets). Completion handlers run on this thread, so they must
 * not block — the bridge's never do.
 */
final class UnixReactor implements AutoCloseable {
    private final Selector selector;
    private final Thread thread;
    /** Channels whose wanted operations changed; at most one entry per open channel. */
    private final Set<UnixTargetChannel> changed = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    UnixReactor(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the reactor to re-read what {@code c} waits for. */
    void changed(UnixTargetChannel c) {
        changed.add(c);
        selector.wakeup();
    }

    private void loop() {
        while (running) {
            try {
                selector.select();
                for (UnixTargetChannel c : changed) {
                    changed.remove(c);
                    c.updateInterest(selector);
                }
                Set<SelectionKey> keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    ((UnixTargetChannel) k.attachment()).ready(k);
                }
                keys.clear();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                System.getLogger(UnixReactor.class.getName()).log(Level.WARNING, "unix socket reactor: " + e, e);
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
