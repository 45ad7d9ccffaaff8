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
     * Writes the bytes of {@code srcs} in order without blocking. Returns true when every byte reached the socket;
     * false when the rest is on its way, and then {@link WebSocketConnection#onWritable()} follows once it got out
     * (or {@link WebSocketConnection#onFailure} when it cannot). The buffers must not be touched until then.
     */
    boolean write(ByteBuffer... srcs) throws IOException;

    /** Asks for one {@code onReadable} call when data arrives. */
    void awaitReadable();

    /** Closes the connection; what was not flushed is lost. Idempotent. */
    void close();
}
