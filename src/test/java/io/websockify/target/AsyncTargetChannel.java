package io.websockify.target;

import io.websockify.bridge.TargetChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test helper: a {@link TargetChannel} over an accepted {@link AsynchronousSocketChannel} (the server side of a test). */
final class AsyncTargetChannel implements TargetChannel {
    private final AsynchronousSocketChannel channel;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    AsyncTargetChannel(AsynchronousSocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
    }

    @Override
    public void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler) {
        channel.read(dst, dst, handler);
    }

    @Override
    public void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler) {
        channel.write(src, src, handler);
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
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
