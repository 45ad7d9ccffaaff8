package io.websockify.reactor;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells when a non-blocking channel owned by someone else (the container's connection under the built-in engine)
 * becomes readable or writable, on a {@link Reactor}'s thread. The owner still reads, writes and closes the channel
 * itself; this only waits.
 *
 * <p>Each {@code when…} call asks for one callback, which runs on the reactor's thread and must not block. A channel
 * that is closed meanwhile gets its waiting callbacks run once more, so the owner's next read or write meets the
 * closed channel and ends. Thread-safe.
 */
public final class ChannelWatch implements Reactor.Selectable {
    private final SelectableChannel channel;
    private final Reactor reactor;
    private final AtomicReference<Runnable> onReadable = new AtomicReference<>();
    private final AtomicReference<Runnable> onWritable = new AtomicReference<>();
    // Reactor thread only.
    private SelectionKey key;

    public ChannelWatch(SelectableChannel channel, Reactor reactor) {
        this.channel = channel;
        this.reactor = reactor;
    }

    /** Runs {@code r} once, when the channel has data (or end of stream, or an error). */
    public void whenReadable(Runnable r) {
        onReadable.set(r);
        reactor.changed(this);
    }

    /** Runs {@code r} once, when the channel can take more bytes (or has failed). */
    public void whenWritable(Runnable r) {
        onWritable.set(r);
        reactor.changed(this);
    }

    /**
     * The owner closed the channel: callbacks still waiting run once more, on the reactor's thread, so the
     * operations they retry meet the closed channel and fail.
     */
    public void channelClosed() {
        reactor.changed(this);
    }

    /** Forgets waiting callbacks and stops watching; call once the channel is closed. */
    public void cancel() {
        onReadable.set(null);
        onWritable.set(null);
        reactor.changed(this);
    }

    @Override
    public void updateInterest(Selector selector) {
        int ops = (onReadable.get() != null ? SelectionKey.OP_READ : 0)
                | (onWritable.get() != null ? SelectionKey.OP_WRITE : 0);
        try {
            if (key == null) {
                if (ops != 0) {
                    key = channel.register(selector, ops, this);
                }
            } else if (key.isValid()) {
                key.interestOps(ops);
            } else if (ops != 0) {
                runAll();
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            runAll();
        }
    }

    @Override
    public void ready(SelectionKey k) {
        int ready;
        try {
            ready = k.readyOps();
        } catch (CancelledKeyException e) {
            // Closed by its owner meanwhile.
            runAll();
            return;
        }
        if ((ready & SelectionKey.OP_READ) != 0) {
            run(true);
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            run(false);
        }
        // Only now: a callback that asked again keeps its interest registered, with no change for the selector.
        updateInterest(k.selector());
    }

    private void runAll() {
        run(true);
        run(false);
    }

    private void run(boolean read) {
        Runnable r = (read ? onReadable : onWritable).getAndSet(null);
        if (r != null) {
            r.run();
        }
    }
}
