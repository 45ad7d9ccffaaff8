package io.websockify.bridge;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

/**
 * A connected stream to the target (TCP now; other kinds of socket later) with asynchronous reads and writes.
 *
 * <p>At most one read and one write are outstanding at a time; the bridge guarantees it. Handlers run on the
 * channel's I/O threads and must not block. A read completes with -1 at end of stream. A write may complete
 * having written only part of the buffer; the caller writes the rest.
 */
public interface TargetChannel extends AutoCloseable {

    void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler);

    void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler);

    /**
     * True when {@link #whenReadable} really waits (on an I/O thread) rather than running its argument at once.
     * The bridge then lets quiet sessions wait without a buffer, and a streaming session hands its next read to
     * the I/O threads now and then, so that one busy target cannot keep a thread to itself.
     */
    default boolean waitsForReadable() {
        return false;
    }

    /**
     * Runs {@code ready} once a read would find data, end of stream or an error (also when the channel closes);
     * counts as the outstanding read until then. Only where {@link #waitsForReadable()}; the default runs it at
     * once.
     */
    default void whenReadable(Runnable ready) {
        ready.run();
    }

    /** Half-closes: the target sees end of stream, and may still send. */
    void shutdownOutput();

    /** Closes both directions; idempotent; outstanding operations fail. */
    @Override
    void close();

    /** Describes the remote end for logs, e.g. {@code 127.0.0.1:5900}. */
    String describe();
}
