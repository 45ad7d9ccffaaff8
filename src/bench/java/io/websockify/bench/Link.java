package io.websockify.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One client connection through a proxy, as the scenarios use it: messages out, payload bytes in. A WebSocket
 * link frames and masks; a raw link (for the plain TCP relay) sends and receives bytes as they are. Blocking; one
 * thread at a time.
 */
interface Link extends Closeable {

    /** Sends {@code payload} (position..limit, consumed) as one message. */
    void send(ByteBuffer payload) throws IOException;

    /**
     * Waits for data and hands the payload bytes that arrived to {@code sink}.
     *
     * @return payload bytes delivered (may be 0 after a control frame), or -1 once the peer ended the connection
     */
    long receive(PayloadSink sink) throws IOException;

    /** Ends the connection politely (close handshake, or half-close and drain) and closes the socket. */
    void finish() throws IOException;

    /** Close code the server sent, -1 if none (raw links: always -1). */
    int closeCode();

    String closeReason();

    SocketChannel channel();

    /** Receives exactly {@code n} payload bytes; fails if the connection ends first. */
    default void receiveExactly(long n, PayloadSink sink) throws IOException {
        long got = 0;
        while (got < n) {
            long r = receive(sink);
            if (r < 0) {
                throw new IOException("connection ended after " + got + " of " + n + " bytes (close "
                        + closeCode() + " " + closeReason() + ")");
            }
            got += r;
        }
    }

    @Override
    default void close() throws IOException {
        channel().close();
    }
}
