package io.websockify.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte stream under one upgraded connection, as the container offers it, without blocking calls. The container
 * reports readiness through {@link WebSocketConnection#onReadable()} and {@link WebSocketConnection#onWritable()}.
 *
 * <p>At most one thread reads and one thread writes at a time; {@link WebSocketConnection} guarantees it.
 */
public interface RawSocket {

    /** Reads what is available now: the number of bytes read, 0 when nothing is, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Hands the bytes of {@code srcs} to the connection in order. What the socket does not take at once the
     * container keeps, so the caller may reuse the buffers when this returns. Returns true when every byte reached
     * the socket; false when some wait, and then {@link #awaitWritable()} must follow.
     */
    boolean write(ByteBuffer... srcs) throws IOException;

    /** Pushes on what an earlier write left waiting; true when nothing waits any more. */
    boolean flush() throws IOException;

    /** Asks for one {@code onReadable} call when data arrives. */
    void awaitReadable();

    /** Asks for one {@code onWritable} call when the socket can take more. */
    void awaitWritable();

    /** Closes the connection; what was not flushed is lost. Idempotent. */
    void close();
}
