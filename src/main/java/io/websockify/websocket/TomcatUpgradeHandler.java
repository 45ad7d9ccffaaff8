package io.websockify.websocket;

import io.websockify.reactor.ChannelWatch;
import io.websockify.reactor.Reactor;
import jakarta.servlet.http.WebConnection;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.apache.tomcat.util.net.SocketWrapperBase.BlockingMode;
import org.apache.tomcat.util.net.SocketWrapperBase.CompletionState;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a {@link WebSocketConnection} directly on Tomcat's socket, through the upgrade hook Tomcat's own WebSocket
 * implementation uses ({@link InternalHttpUpgradeHandler}). Unlike a plain Servlet upgrade, this lets a paused
 * connection leave the socket alone (no read events while the bridge is busy) and write from the bridge's threads
 * without a hand-off. Loaded only on Tomcat 10.1 and later.
 *
 * <p>A plain (non-TLS) NIO connection whose handshake response is out leaves Tomcat's poller after the first read
 * event: one of the proxy's reactors waits for it to become readable or writable and runs the connection on its
 * own thread, as it does the target socket. That saves the hand-off from Tomcat's poller to a request thread on
 * every client message. TLS connections stay with Tomcat, whose channel encrypts.
 *
 * <p>Tomcat creates the instance in {@code HttpServletRequest.upgrade}; the caller must then call {@link #prepare}
 * before returning from the request. Tomcat calls {@link #setSocketWrapper}, then {@link #init}, then
 * {@link #upgradeDispatch} for every socket event, one at a time per connection.
 */
public final class TomcatUpgradeHandler implements InternalHttpUpgradeHandler, RawSocket {
    private volatile Function<RawSocket, WebSocketConnection> factory;
    private volatile Runnable abandoned;
    private volatile SocketWrapperBase<?> wrapper;
    private volatile WebSocketConnection connection;
    private volatile Reactor reactor;
    /** Set for a connection the reactor watches: its socket, read and written directly. */
    private volatile SocketChannel plain;
    private volatile ChannelWatch watch;
    /** A direct write the socket could not take at once, finished on the reactor's thread. */
    private volatile ByteBuffer[] unwritten;

    /** Tomcat instantiates this class itself. */
    public TomcatUpgradeHandler() {
    }

    /**
     * Tells the handler how to make its connection once Tomcat hands over the socket, and what to run instead when
     * the connection goes away before that (what the session would have released at its end), and which reactor
     * runs a plain connection.
     */
    public void prepare(Function<RawSocket, WebSocketConnection> factory, Runnable abandoned, Reactor reactor) {
        this.factory = factory;
        this.abandoned = abandoned;
        this.reactor = reactor;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        // WebSocket sessions live as long as both ends want; timeouts are the connection's own.
        wrapper.setReadTimeout(-1);
        wrapper.setWriteTimeout(-1);
        this.wrapper = wrapper;
    }

    @Override
    public void init(WebConnection webConnection) {
        abandoned = null;
        SocketWrapperBase<?> w = wrapper;
        // Only Tomcat's plain NIO channel reads and writes the socket unchanged; anything still in Tomcat's output
        // buffer must go out through Tomcat first.
        if (reactor != null && w.getSocket() instanceof NioChannel ch && ch.getClass() == NioChannel.class
                && !w.hasDataToWrite()) {
            plain = ch.getIOChannel();
            watch = new ChannelWatch(plain, reactor);
        }
        connection = factory.apply(this);
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        WebSocketConnection c = connection;
        if (c == null) {
            return SocketState.CLOSED;
        }
        switch (status) {
            case OPEN_READ:
                drained = false;
                if (watch != null) {
                    // From now on the reactor tells when to read; Tomcat's poller is not asked again.
                    if (c.onReadable() == WebSocketConnection.ReadState.NEED_DATA) {
                        awaitReadable();
                    }
                    return wrapper.isClosed() ? SocketState.CLOSED : SocketState.SUSPENDED;
                }
                return switch (c.onReadable()) {
                    case NEED_DATA -> SocketState.UPGRADED;
                    case PAUSED -> SocketState.SUSPENDED;
                    case DONE -> wrapper.isClosed() ? SocketState.CLOSED : SocketState.SUSPENDED;
                };
            case OPEN_WRITE:
                writable();
                return SocketState.UPGRADED;
            case STOP:
                // The connector stops: the deployment's shutdown closes every session with 1001 itself.
                return SocketState.UPGRADED;
            default:
                c.onFailure(new EOFException("connection " + status.name().toLowerCase(java.util.Locale.ROOT)));
                return SocketState.CLOSED;
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // Our timeouts run on the proxy's timer.
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // Not needed: client certificates were checked before the upgrade.
    }

    @Override
    public void pause() {
        // Nothing to do: shutdown is handled by the deployment.
    }

    @Override
    public void destroy() {
        WebSocketConnection c = connection;
        if (c != null) {
            c.onFailure(new EOFException("connection closed by the container"));
        } else if (abandoned != null) {
            abandoned.run();
            abandoned = null;
        }
    }

    // ---------------------------------------------------------------- RawSocket

    /**
     * Tomcat reads at most its connector buffer ({@code socket.appReadBufSize}, 8 KiB) per call. When its buffer
     * holds nothing and ours has room for a whole TLS record and more, read from the connection's channel straight
     * into ours instead (what Tomcat itself does below that limit), so a streaming client costs one system call per
     * 64 KiB rather than eight. On a plain connection a read that did not fill the buffer emptied the socket: until
     * Tomcat reports new data, further reads answer 0 without asking the kernel again.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (drained) {
            return 0;
        }
        SocketWrapperBase<?> w = wrapper;
        Object socket = w.getSocket();
        if (dst.remaining() >= DIRECT_READ_MIN && socket instanceof ByteChannel channel
                && w.getSocketBufferHandler().isReadBufferEmpty()) {
            int room = dst.remaining();
            int n = channel.read(dst);
            // Only a plain channel: a TLS channel may hold decrypted data the socket no longer shows.
            drained = n >= 0 && n < room && socket.getClass() == NioChannel.class;
            return n;
        }
        return w.read(false, dst);
    }

    /** Set by a short read on a plain connection; cleared when Tomcat is asked for, or reports, new data. */
    private volatile boolean drained;

    /** Room that fits the largest TLS record with its overhead, which a TLS channel must unwrap whole. */
    private static final int DIRECT_READ_MIN = 32 * 1024;

    /**
     * With Tomcat's asynchronous socket operations (the default of its NIO connectors) one gathering write of the
     * frame header and payload straight from our buffers; otherwise Tomcat's buffered non-blocking write.
     */
    @Override
    public boolean write(ByteBuffer... srcs) throws IOException {
        if (plain != null) {
            plain.write(srcs);
            if (!hasRemaining(srcs)) {
                return true;
            }
            unwritten = srcs;
            watch.whenWritable(this::writeRest);
            return false;
        }
        SocketWrapperBase<?> w = wrapper;
        if (!w.hasAsyncIO()) {
            for (ByteBuffer b : srcs) {
                w.write(false, b);
            }
            if (w.flush(false)) {
                w.registerWriteInterest();
                return false;
            }
            return true;
        }
        writeState.set(WRITING);
        CompletionState s = w.write(BlockingMode.NON_BLOCK, -1, TimeUnit.MILLISECONDS, null,
                SocketWrapperBase.COMPLETE_WRITE, writeDone, srcs);
        if (s == CompletionState.ERROR) {
            writeState.set(IDLE);
            IOException e = w.getError();
            throw e != null ? e : new IOException("write failed");
        }
        // INLINE: done now. Otherwise the handler reports completion, unless it already ran during the call.
        if (s == CompletionState.INLINE || !writeState.compareAndSet(WRITING, IDLE)) {
            writeState.set(IDLE);
            return true;
        }
        return false;
    }

    private static final int IDLE = 0;
    private static final int WRITING = 1;
    private static final int DONE_DURING_WRITE = 2;
    private final AtomicInteger writeState = new AtomicInteger();

    private final CompletionHandler<Long, Void> writeDone = new CompletionHandler<>() {
        @Override
        public void completed(Long bytes, Void unused) {
            if (!writeState.compareAndSet(WRITING, DONE_DURING_WRITE)) {
                connection.onWritable();
            }
        }

        @Override
        public void failed(Throwable e, Void unused) {
            writeState.set(IDLE);
            connection.onFailure(e);
        }
    };

    /** Reactor thread: the socket can take more of a direct write. */
    private void writeRest() {
        ByteBuffer[] srcs = unwritten;
        try {
            plain.write(srcs);
        } catch (IOException e) {
            unwritten = null;
            connection.onFailure(e);
            return;
        }
        if (hasRemaining(srcs)) {
            watch.whenWritable(this::writeRest);
        } else {
            unwritten = null;
            connection.onWritable();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Reactor thread: data arrived on a watched connection. */
    private void readableByReactor() {
        drained = false;
        if (connection.onReadable() == WebSocketConnection.ReadState.NEED_DATA) {
            awaitReadable();
        }
    }

    /** Buffered writes only: Tomcat says the socket can take more. */
    private void writable() {
        try {
            if (wrapper.flush(false)) {
                wrapper.registerWriteInterest();
            } else {
                connection.onWritable();
            }
        } catch (IOException e) {
            connection.onFailure(e);
        }
    }

    @Override
    public void awaitReadable() {
        drained = false;
        ChannelWatch wt = watch;
        if (wt != null) {
            wt.whenReadable(this::readableByReactor);
        } else {
            wrapper.registerReadInterest();
        }
    }

    @Override
    public void close() {
        wrapper.close();
        ChannelWatch wt = watch;
        if (wt != null) {
            wt.cancel();
        }
    }
}
