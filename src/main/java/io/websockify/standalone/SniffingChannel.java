package io.websockify.standalone;

import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection on the port that serves ws:// and wss:// alike. Its first read decides, as upstream websockify
 * does, from the first byte: {@code 0x16} (a TLS handshake record) or {@code 0x80} (an SSLv2-style hello) runs
 * Tomcat's TLS engine, which this class inherits; anything else makes a plain connection, refused when
 * {@code --ssl-only} is set.
 *
 * <p>Why a channel and not a front acceptor: Tomcat picks the channel class per connection
 * ({@code NioEndpoint.createChannel}), and asks the channel for its handshake before the first request on the worker
 * thread that would process it anyway. A plain connection therefore costs nothing extra: the bytes of the deciding
 * read stay in Tomcat's own read buffer, where the HTTP parser would have read them, and afterwards every read and
 * write goes straight to the socket, as Tomcat's plain {@code NioChannel} does — no copy, no other thread, no proxy
 * socket. A TLS connection copies its first bytes (part of the ClientHello) once into the TLS input buffer.
 *
 * <p>The 16 KiB TLS buffers the superclass allocates are dropped at once and allocated only for TLS connections, so
 * a plain connection holds no more memory than on a plain-only port.
 *
 * <p>Threads: as for any Tomcat channel, {@link #handshake} runs on one worker thread at a time and before any
 * read or write of the application; the decision is published through a volatile field to the threads that read and
 * write later.
 */
final class SniffingChannel extends SecureNioChannel {
    private static final System.Logger LOG = System.getLogger(SniffingChannel.class.getName());

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int SSL2_HELLO = 0x80;
    /** Tomcat's starting size of the TLS buffers; they grow to the session's packet size when the engine starts. */
    private static final int TLS_BUFFER_SIZE = 16921;

    private enum Mode { UNDECIDED, PLAIN, TLS, REFUSED }

    private final SniffingEndpoint endpoint;
    private volatile Mode mode = Mode.UNDECIDED;

    SniffingChannel(SocketBufferHandler buffers, SniffingEndpoint endpoint) {
        super(buffers, endpoint);
        this.endpoint = endpoint;
        dropTlsBuffers();
    }

    private void dropTlsBuffers() {
        netInBuffer = ByteBuffer.allocate(0);
        netOutBuffer = ByteBuffer.allocate(0);
    }

    /** Tomcat reuses channels: each new connection is undecided again, and holds no TLS buffers. */
    @Override
    public void reset(SocketChannel channel, NioSocketWrapper wrapper) throws IOException {
        super.reset(channel, wrapper);
        mode = Mode.UNDECIDED;
        dropTlsBuffers();
    }

    @Override
    public int handshake(boolean read, boolean write) throws IOException {
        return switch (mode) {
            case PLAIN -> 0;
            case TLS -> tlsHandshake(read, write);
            case REFUSED -> -1;
            case UNDECIDED -> decide(read, write);
        };
    }

    /**
     * Reads what the client sent into Tomcat's read buffer (empty and ready for writing on a new connection) and
     * looks at the first byte. Nothing yet: wait for more (the connection timeout, websockify.handshake-timeout,
     * still applies). End of stream: drop.
     */
    private int decide(boolean read, boolean write) throws IOException {
        bufHandler.configureReadBufferForWrite();
        ByteBuffer first = bufHandler.getReadBuffer();
        if (sc.read(first) < 0) {
            return -1;
        }
        if (first.position() == 0) {
            return SelectionKey.OP_READ;
        }
        int b = first.get(0) & 0xff;
        if (b != TLS_HANDSHAKE_RECORD && b != SSL2_HELLO) {
            if (endpoint.sslOnly()) {
                mode = Mode.REFUSED;
                LOG.log(Level.INFO, "{0}: non-TLS connection refused (--ssl-only)", remoteAddress());
                return -1;
            }
            mode = Mode.PLAIN;
            return 0;
        }
        mode = Mode.TLS;
        first.flip();
        netInBuffer = ByteBuffer.allocate(Math.max(TLS_BUFFER_SIZE, first.remaining()));
        netInBuffer.put(first);
        first.clear();
        netOutBuffer = ByteBuffer.allocate(TLS_BUFFER_SIZE);
        netOutBuffer.limit(0);
        return tlsHandshake(read, write);
    }

    /** Tomcat's TLS handshake; a failure (say, a missing or untrusted client certificate) is logged once here. */
    private int tlsHandshake(boolean read, boolean write) throws IOException {
        try {
            return super.handshake(read, write);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "{0}: TLS handshake failed: {1}", remoteAddress(), e.getMessage());
            throw e;
        }
    }

    private String remoteAddress() {
        NioSocketWrapper w = socketWrapper;
        return w == null ? "?" : w.getRemoteAddr();
    }

    @Override
    public boolean isHandshakeComplete() {
        Mode m = mode;
        return m == Mode.PLAIN || m == Mode.TLS && super.isHandshakeComplete();
    }

    // Below: in every mode but TLS, behave exactly as Tomcat's plain NioChannel.

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return mode == Mode.TLS ? super.read(dst) : sc.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return mode == Mode.TLS ? super.read(dsts, offset, length) : sc.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (mode == Mode.TLS) {
            return super.write(src);
        }
        checkInterruptStatus();
        return src.hasRemaining() ? sc.write(src) : 0;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (mode == Mode.TLS) {
            return super.write(srcs, offset, length);
        }
        checkInterruptStatus();
        return sc.write(srcs, offset, length);
    }

    @Override
    public void close() throws IOException {
        if (mode == Mode.TLS) {
            super.close();
        } else {
            sc.close();
        }
    }

    @Override
    public void close(boolean force) throws IOException {
        if (mode == Mode.TLS) {
            super.close(force);
        } else if (isOpen() || force) {
            sc.close();
        }
    }

    @Override
    public boolean isClosing() {
        return mode == Mode.TLS && super.isClosing();
    }

    @Override
    public int getOutboundRemaining() {
        return mode == Mode.TLS ? super.getOutboundRemaining() : 0;
    }

    @Override
    public boolean flushOutbound() throws IOException {
        return mode == Mode.TLS && super.flushOutbound();
    }

    /** Null on a plain connection: Tomcat then sets no TLS request attributes, so no client certificate. */
    @Override
    public SSLSupport getSSLSupport() {
        return mode == Mode.TLS ? super.getSSLSupport() : null;
    }
}
