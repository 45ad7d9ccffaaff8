package io.websockify.target;

import io.websockify.bridge.TargetChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link TargetChannel} over a non-blocking Unix stream socket, driven by a {@link UnixReactor}: the same
 * contract as the TCP channel (one read and one write outstanding, handlers on the I/O thread, partial writes
 * reported as such), so the bridge's backpressure and closing work unchanged.
 */
final class UnixTargetChannel implements TargetChannel {
    private final SocketChannel channel;
    private final UnixReactor reactor;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile ByteBuffer readBuffer;
    private volatile CompletionHandler<Integer, ByteBuffer> readHandler;
    private volatile ByteBuffer writeBuffer;
    private volatile CompletionHandler<Integer, ByteBuffer> writeHandler;
    private SelectionKey key;

    UnixTargetChannel(SocketChannel channel, UnixReactor reactor, String description) throws IOException {
        channel.configureBlocking(false);
        this.channel = channel;
        this.reactor = reactor;
        this.description = description;
    }

    @Override
    public void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler) {
        readBuffer = dst;
        readHandler = handler;
        reactor.changed(this);
    }

    @Override
    public void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler) {
        writeBuffer = src;
        writeHandler = handler;
        reactor.changed(this);
    }

    /** On the reactor thread: register for what is pending, or fail it when closed. */
    void updateInterest(Selector selector) {
        if (closed.get()) {
            failPending(new AsynchronousCloseException());
            return;
        }
        int ops = (readHandler != null ? SelectionKey.OP_READ : 0) | (writeHandler != null ? SelectionKey.OP_WRITE : 0);
        try {
            if (key == null) {
                key = channel.register(selector, ops, this);
            } else {
                key.interestOps(ops);
            }
        } catch (ClosedChannelException | RuntimeException e) {
            failPending(e);
        }
    }

    /** On the reactor thread: perform what became possible and complete it. */
    void ready(SelectionKey k) {
        if (!k.isValid()) {
            failPending(new AsynchronousCloseException());
            return;
        }
        if (k.isReadable() && readHandler != null) {
            ByteBuffer b = readBuffer;
            CompletionHandler<Integer, ByteBuffer> h = readHandler;
            try {
                int n = channel.read(b);
                if (n != 0) {
                    readHandler = null;
                    readBuffer = null;
                    h.completed(n, b);
                }
            } catch (IOException e) {
                readHandler = null;
                readBuffer = null;
                h.failed(e, b);
            }
        }
        if (k.isValid() && k.isWritable() && writeHandler != null) {
            ByteBuffer b = writeBuffer;
            CompletionHandler<Integer, ByteBuffer> h = writeHandler;
            try {
                int n = channel.write(b);
                writeHandler = null;
                writeBuffer = null;
                h.completed(n, b);
            } catch (IOException e) {
                writeHandler = null;
                writeBuffer = null;
                h.failed(e, b);
            }
        }
        updateInterest(k.selector());
    }

    private void failPending(Throwable e) {
        CompletionHandler<Integer, ByteBuffer> r = readHandler;
        ByteBuffer rb = readBuffer;
        readHandler = null;
        if (r != null) {
            r.failed(e, rb);
        }
        CompletionHandler<Integer, ByteBuffer> w = writeHandler;
        ByteBuffer wb = writeBuffer;
        writeHandler = null;
        if (w != null) {
            w.failed(e, wb);
        }
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    public void shutdownOutput() {
        if (closed.get()) {
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // Already gone: closing follows.
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
            reactor.changed(this);
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
