package io.websockify.target;

import io.websockify.bridge.TargetChannel;
import io.websockify.reactor.ChannelWatch;
import io.websockify.reactor.Reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link TargetChannel} over a non-blocking socket (TCP or Unix). Each read or write is first tried on the
 * calling thread and, when the socket was ready, completed right there; only a socket that is not ready is handed
 * to the channel's {@link Reactor} (through a {@link ChannelWatch}), whose thread tries again once it is. So a
 * session whose data flows moves it on one thread without hand-offs, like a blocking relay, while an idle session
 * costs no thread.
 *
 * <p>Handlers may thus run inside {@code read}/{@code write}. Nesting is bounded: past a small depth the operation
 * goes through the reactor, so a stream that is always ready cannot grow the caller's stack. At most one read and
 * one write are outstanding; a write may complete having written part of the buffer. Closing fails what is
 * outstanding with {@link AsynchronousCloseException}.
 */
final class SocketTargetChannel implements TargetChannel {
    /** Completions nested deeper than this on one thread go through the reactor instead. */
    private static final int MAX_INLINE_DEPTH = 8;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final SocketChannel channel;
    private final ChannelWatch watch;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketTargetChannel(SocketChannel channel, Reactor reactor, String description) throws IOException {
        channel.configureBlocking(false);
        this.channel = channel;
        this.watch = new ChannelWatch(channel, reactor);
        this.description = description;
    }

    @Override
    public void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler) {
        if (!attempt(false, dst, handler)) {
            watch.whenReadable(() -> read(dst, handler));
        }
    }

    @Override
    public void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler) {
        if (!attempt(true, src, handler)) {
            watch.whenWritable(() -> write(src, handler));
        }
    }

    @Override
    public boolean waitsForReadable() {
        return true;
    }

    @Override
    public void whenReadable(Runnable ready) {
        watch.whenReadable(ready);
    }

    /**
     * Reads or writes once on this thread; true when that completed the operation (its handler has run), false when
     * the socket was not ready or the stack is already deep, and the reactor must try again.
     */
    private boolean attempt(boolean write, ByteBuffer b, CompletionHandler<Integer, ByteBuffer> h) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_INLINE_DEPTH) {
            return false;
        }
        Object result;
        try {
            int n = write ? channel.write(b) : channel.read(b);
            if (n == 0 && b.hasRemaining()) {
                return false;
            }
            result = n;
        } catch (IOException e) {
            result = e instanceof ClosedChannelException ? new AsynchronousCloseException() : e;
        }
        depth[0]++;
        try {
            if (result instanceof Integer n) {
                h.completed(n, b);
            } else {
                h.failed((Throwable) result, b);
            }
        } finally {
            depth[0]--;
        }
        return true;
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
            // What waits for the socket runs once more and meets the closed channel.
            watch.channelClosed();
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
