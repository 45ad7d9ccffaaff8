package io.websockify.target;

import io.websockify.bridge.TargetChannel;
import io.websockify.reactor.Reactor;

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
 * A {@link TargetChannel} over a non-blocking socket (TCP or Unix). Each read or write is first tried on the
 * calling thread and, when the socket was ready, completed right there; only a socket that is not ready is handed
 * to the channel's {@link Reactor}, whose thread completes the operation later. So a session whose data flows
 * moves it on one thread without hand-offs, like a blocking relay, while an idle session costs no thread.
 *
 * <p>Handlers may thus run inside {@code read}/{@code write}. Nesting is bounded: past a small depth the operation
 * goes through the reactor, so a stream that is always ready cannot grow the caller's stack. At most one read and
 * one write are outstanding; a write may complete having written part of the buffer.
 */
final class SocketTargetChannel implements TargetChannel, Reactor.Selectable {
    /** Completions nested deeper than this on one thread go through the reactor instead. */
    private static final int MAX_INLINE_DEPTH = 8;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final SocketChannel channel;
    private final Reactor reactor;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile ByteBuffer readBuffer;
    private volatile CompletionHandler<Integer, ByteBuffer> readHandler;
    private volatile ByteBuffer writeBuffer;
    private volatile CompletionHandler<Integer, ByteBuffer> writeHandler;
    private volatile Runnable readableWaiter;
    // Reactor thread only.
    private SelectionKey key;

    SocketTargetChannel(SocketChannel channel, Reactor reactor, String description) throws IOException {
        channel.configureBlocking(false);
        this.channel = channel;
        this.reactor = reactor;
        this.description = description;
    }

    @Override
    public void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler) {
        int[] depth = DEPTH.get();
        if (depth[0] < MAX_INLINE_DEPTH) {
            int n;
            try {
                n = channel.read(dst);
            } catch (IOException e) {
                complete(handler, dst, e, depth);
                return;
            }
            if (n != 0) {
                complete(handler, dst, n, depth);
                return;
            }
        }
        readBuffer = dst;
        readHandler = handler;
        reactor.changed(this);
    }

    @Override
    public void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler) {
        int[] depth = DEPTH.get();
        if (depth[0] < MAX_INLINE_DEPTH) {
            int n;
            try {
                n = channel.write(src);
            } catch (IOException e) {
                complete(handler, src, e, depth);
                return;
            }
            if (n != 0 || !src.hasRemaining()) {
                complete(handler, src, n, depth);
                return;
            }
        }
        writeBuffer = src;
        writeHandler = handler;
        reactor.changed(this);
    }

    @Override
    public boolean waitsForReadable() {
        return true;
    }

    @Override
    public void whenReadable(Runnable ready) {
        readableWaiter = ready;
        reactor.changed(this);
    }

    private static void complete(CompletionHandler<Integer, ByteBuffer> h, ByteBuffer b, Object result, int[] depth) {
        depth[0]++;
        try {
            if (result instanceof Integer n) {
                h.completed(n, b);
            } else {
                Throwable e = (Throwable) result;
                h.failed(e instanceof ClosedChannelException ? new AsynchronousCloseException() : e, b);
            }
        } finally {
            depth[0]--;
        }
    }

    @Override
    public void updateInterest(Selector selector) {
        if (closed.get()) {
            failPending(new AsynchronousCloseException());
            return;
        }
        int ops = (readHandler != null || readableWaiter != null ? SelectionKey.OP_READ : 0)
                | (writeHandler != null ? SelectionKey.OP_WRITE : 0);
        try {
            if (key == null) {
                if (ops != 0) {
                    key = channel.register(selector, ops, this);
                }
            } else {
                key.interestOps(ops);
            }
        } catch (ClosedChannelException | RuntimeException e) {
            failPending(e);
        }
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) {
            failPending(new AsynchronousCloseException());
            return;
        }
        if (k.isReadable() && readableWaiter != null) {
            Runnable r = readableWaiter;
            readableWaiter = null;
            r.run();
        }
        if (k.isValid() && k.isReadable() && readHandler != null) {
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
                if (n != 0 || !b.hasRemaining()) {
                    writeHandler = null;
                    writeBuffer = null;
                    h.completed(n, b);
                }
            } catch (IOException e) {
                writeHandler = null;
                writeBuffer = null;
                h.failed(e, b);
            }
        }
        updateInterest(k.selector());
    }

    private void failPending(Throwable e) {
        Runnable waiter = readableWaiter;
        readableWaiter = null;
        if (waiter != null) {
            // The read that follows fails with the channel's error.
            waiter.run();
        }
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
            // Already reset or closed by the peer: closing follows anyway.
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
