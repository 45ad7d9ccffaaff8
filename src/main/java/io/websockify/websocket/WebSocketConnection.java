package io.websockify.websocket;

import io.websockify.bridge.Bridge;
import io.websockify.bridge.ClientSide;
import io.websockify.bridge.CloseStatus;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection of the built-in engine: RFC 6455 server side over a {@link RawSocket}, feeding a
 * {@link Bridge}. Client frames are parsed and unmasked in place in a pooled buffer, and each payload piece goes to
 * the bridge without a copy; the next bytes are read only after the bridge took the piece, so a slow target stops
 * the client at its TCP window. Target data goes out as one binary frame per read (or base64 text), one frame at a
 * time.
 *
 * <p>Threads: the container calls {@link #onReadable()} and {@link #onWritable()}; the bridge calls the
 * {@link ClientSide} methods from its I/O threads. Reading is done by one thread at a time (whoever resumes it
 * takes over the loop); writes are serialized by {@link FrameOutput}. An idle connection holds no buffer.
 */
public final class WebSocketConnection implements ClientSide {

    /** Where reading stopped, for the container adapter. */
    public enum ReadState {
        /** Nothing to read now; the caller of {@link #onReadable()} must ask for the next readable event. */
        NEED_DATA,
        /** Reading waits for the bridge, which resumes it; no readable event is wanted meanwhile. */
        PAUSED,
        /** The connection is finished. */
        DONE
    }

    private static final CloseStatus IDLE_TIMEOUT = new CloseStatus(1001, "Idle timeout");

    private final RawSocket socket;
    private final ConnectionOptions options;
    private final FrameReader reader;
    private final FrameOutput output;
    private final Base64Decoder base64;
    private final FrameReader.Sink frames = new Frames();
    private volatile Bridge bridge;

    private final Object readLock = new Object();
    // Guarded by readLock. Reading starts paused: the bridge resumes it once the target is connected.
    private boolean pumping;
    private boolean again;
    private boolean paused = true;

    // Used only by the thread that owns the read loop.
    private ByteBuffer inBuf;
    private boolean ignoreData;

    private volatile boolean readEnded;
    private volatile boolean closeReceived;
    private volatile boolean closeFlushed;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean awaitingPong;
    private volatile long nextPing;
    private volatile Future<?> watchdog;
    private volatile Future<?> closeTimer;
    private final AtomicBoolean bridgeTold = new AtomicBoolean();
    private final AtomicBoolean socketClosed = new AtomicBoolean();

    private final OpenConnections registry;

    /** @param registry where this connection is listed until its socket is closed */
    public WebSocketConnection(RawSocket socket, ConnectionOptions options, OpenConnections registry) {
        this.socket = socket;
        this.options = options;
        this.registry = registry;
        registry.add(this);
        this.reader = new FrameReader(options.maxMessageSize());
        this.output = new FrameOutput(socket, this::closeFrameFlushed, this::closeSocket);
        this.base64 = options.base64() ? new Base64Decoder() : null;
    }

    /** Connects this connection to its bridge (created with this as its client side) and starts the timers. */
    public void attach(Bridge bridge) {
        this.bridge = bridge;
        long period = watchdogPeriodMillis();
        if (period > 0) {
            nextPing = System.nanoTime() + options.heartbeat().toNanos();
            watchdog = options.timer().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------- container events

    /** The container saw data: read and forward until reading has to wait. */
    public ReadState onReadable() {
        return pump(true);
    }

    /** The socket can take more of a waiting write. */
    public void onWritable() {
        output.onWritable();
    }

    /** The container reports the connection failed or was closed under us. */
    public void onFailure(Throwable cause) {
        IOException e = cause instanceof IOException io ? io : new IOException(cause);
        closeSocket(e);
    }

    /** Drops the connection at once (server stopping), without a closing handshake. */
    public void abort(IOException why) {
        closeSocket(why);
    }

    // ---------------------------------------------------------------- reading

    private ReadState pump(boolean dispatched) {
        synchronized (readLock) {
            if (pumping) {
                // The thread in the loop reads for us and asks for the next event itself.
                again = true;
                return ReadState.PAUSED;
            }
            pumping = true;
            again = false;
        }
        ReadState state;
        for (;;) {
            state = readSome();
            synchronized (readLock) {
                if (!again || state == ReadState.DONE) {
                    pumping = false;
                    break;
                }
                again = false;
            }
        }
        if (state == ReadState.DONE && inBuf != null) {
            options.readBuffers().release(inBuf);
            inBuf = null;
        }
        if (state == ReadState.NEED_DATA && !dispatched) {
            socket.awaitReadable();
        }
        return state;
    }

    private boolean paused() {
        synchronized (readLock) {
            return paused;
        }
    }

    private ReadState readSome() {
        try {
            for (;;) {
                if (readEnded) {
                    return ReadState.DONE;
                }
                if (paused()) {
                    return ReadState.PAUSED;
                }
                if (inBuf != null && inBuf.hasRemaining()) {
                    if (reader.ended()) {
                        inBuf.position(inBuf.limit());
                    } else {
                        reader.feed(inBuf, frames);
                    }
                    continue;
                }
                if (inBuf == null) {
                    inBuf = options.readBuffers().acquire();
                }
                inBuf.clear();
                int n = fill(inBuf);
                inBuf.flip();
                if (n == 0) {
                    options.readBuffers().release(inBuf);
                    inBuf = null;
                    return ReadState.NEED_DATA;
                }
                if (n < 0) {
                    clientEnded();
                    return ReadState.DONE;
                }
                lastActivity = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            closeSocket(e instanceof IOException io ? io : new IOException(e));
            return ReadState.DONE;
        }
    }

    /** Reads until the buffer is full or nothing more is there: bytes read, or -1 at end of stream with none. */
    private int fill(ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = socket.read(buf);
            if (n <= 0) {
                return total > 0 ? total : n;
            }
            total += n;
        }
        return total;
    }

    private void clientEnded() {
        readEnded = true;
        if (closeFlushed || closeReceived) {
            closeSocket(null);
        } else {
            closeSocket(new EOFException("the client closed the connection without a close frame"));
        }
    }

    // ---------------------------------------------------------------- parsed frames (read loop thread)

    /** What the frame reader found, handled on the thread that owns the read loop. */
    private final class Frames implements FrameReader.Sink {
        @Override
        public void data(ByteBuffer piece, boolean text, boolean last) {
            if (ignoreData) {
                return;
            }
            Bridge b = bridge;
            if (!text) {
                b.clientData(piece);
                return;
            }
            if (base64 == null) {
                protocolError(CloseStatus.TEXT_UNSUPPORTED);
                return;
            }
            for (int i = piece.position(); i < piece.limit(); i++) {
                if (piece.get(i) < 0) {
                    protocolError(CloseStatus.BAD_BASE64);
                    return;
                }
            }
            ByteBuffer bytes = base64.decode(StandardCharsets.ISO_8859_1.decode(piece).toString(), last);
            if (bytes == null) {
                protocolError(CloseStatus.BAD_BASE64);
            } else {
                b.clientData(bytes);
            }
        }

        @Override
        public void ping(byte[] payload) {
            output.pong(payload);
        }

        @Override
        public void pong(byte[] payload) {
            awaitingPong = false;
        }

        @Override
        public void close(int code, String reason) {
            closeReceived = true;
            readEnded = true;
            // Echo the client's close (RFC 6455 5.5.1) unless ours is already out; then the socket closes.
            if (output.close(ServerFrames.close(code, reason))) {
                armCloseTimer();
            } else if (closeFlushed) {
                closeSocket(null);
            }
            if (bridgeTold.compareAndSet(false, true)) {
                bridge.clientClosed(code, reason);
            }
        }

        @Override
        public void invalid(int code, String reason) {
            // Close with the code; the reader skips the bad frame and looks on for the client's answering close.
            // A bad close frame ends the client's side: then the socket closes once our close is out.
            if (reader.ended()) {
                closeReceived = true;
                readEnded = true;
                if (closeFlushed) {
                    closeSocket(null);
                }
            }
            protocolError(new CloseStatus(code, reason));
        }
    }

    private void protocolError(CloseStatus status) {
        ignoreData = true;
        bridge.clientProtocolError(status);
    }

    // ---------------------------------------------------------------- ClientSide (the bridge)

    @Override
    public void send(ByteBuffer data, SendCallback done) {
        ByteBuffer[] frame;
        if (base64 != null) {
            ByteBuffer encoded = Base64.getEncoder().encode(data);
            frame = new ByteBuffer[] {ServerFrames.header(ServerFrames.TEXT, encoded.remaining()), encoded};
        } else {
            frame = new ByteBuffer[] {ServerFrames.header(ServerFrames.BINARY, data.remaining()), data};
        }
        output.data(frame, failure -> {
            if (failure == null) {
                lastActivity = System.nanoTime();
            }
            done.done(failure);
        });
    }

    /** The bridge closes the session: send the close frame, then wait (at most the close wait) for the client's. */
    @Override
    public void close(int code, String reason) {
        if (output.close(ServerFrames.close(code, reason))) {
            armCloseTimer();
        }
    }

    /** A closing connection gets the close wait to finish its handshake (and to get our frame out), then goes. */
    private void armCloseTimer() {
        try {
            closeTimer = options.timer().schedule(() -> closeSocket(null), options.closeWait().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The deployment is stopping; OpenConnections.closeAll drops what is left.
        }
    }

    @Override
    public void pauseReading() {
        synchronized (readLock) {
            paused = true;
        }
    }

    @Override
    public void resumeReading() {
        synchronized (readLock) {
            paused = false;
        }
        pump(false);
    }

    // ---------------------------------------------------------------- closing

    private void closeFrameFlushed() {
        closeFlushed = true;
        if (closeReceived) {
            closeSocket(null);
        }
    }

    /** Closes the TCP connection once; tells the bridge the client is gone when it has not heard so yet. */
    private void closeSocket(IOException failure) {
        if (!socketClosed.compareAndSet(false, true)) {
            return;
        }
        readEnded = true;
        cancel(watchdog);
        cancel(closeTimer);
        output.failed(failure != null ? failure : new IOException("connection closed"));
        socket.close();
        registry.remove(this);
        if (bridgeTold.compareAndSet(false, true)) {
            Bridge b = bridge;
            if (b != null) {
                b.clientFailed(failure != null ? failure : new IOException("connection closed"));
            }
        }
    }

    private static void cancel(Future<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ---------------------------------------------------------------- timers

    private long watchdogPeriodMillis() {
        long min = Long.MAX_VALUE;
        for (var d : new Duration[] {options.heartbeat(), options.idleTimeout(), options.sendTimeout()}) {
            if (!d.isZero()) {
                min = Math.min(min, d.toMillis());
            }
        }
        if (min == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(25, Math.min(1000, min / 4));
    }

    private void tick() {
        Bridge b = bridge;
        if (socketClosed.get() || b == null) {
            return;
        }
        long now = System.nanoTime();
        long since = output.waitingSince();
        long send = options.sendTimeout().toNanos();
        if (send > 0 && since != 0 && now - since > send) {
            closeSocket(new SocketTimeoutException("the client took no data for " + options.sendTimeout()));
            return;
        }
        long idle = options.idleTimeout().toNanos();
        if (idle > 0 && now - lastActivity > idle) {
            b.abort(IDLE_TIMEOUT, "no traffic for " + options.idleTimeout());
            return;
        }
        long heartbeat = options.heartbeat().toNanos();
        if (heartbeat > 0 && now - nextPing >= 0) {
            nextPing = now + heartbeat;
            boolean stuck = since != 0 && now - since > heartbeat;
            if (awaitingPong || stuck) {
                b.abort(CloseStatus.NO_PONG, stuck ? "client took no message for a heartbeat interval"
                        : "client did not answer the heartbeat ping");
                return;
            }
            if (since == 0) {
                awaitingPong = true;
                output.ping();
            }
        }
    }
}
