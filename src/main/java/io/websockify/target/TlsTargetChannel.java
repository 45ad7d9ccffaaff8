package io.websockify.target;

import io.websockify.bridge.TargetChannel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS over another {@link TargetChannel} (a TCP connection), with an {@link SSLEngine} (client mode in the proxy).
 *
 * <p>The contract is the plain channel's. At most one read and one write outstanding. Handlers run on the inner
 * channel's I/O threads, on the timer's thread (handshake timeout), or on the thread that called {@link #read},
 * {@link #write}, {@link #shutdownOutput} or {@link #close} when the answer is already known; never nested: a
 * handler that starts the next operation returns before that one completes, so long streams do not grow the stack.
 * A read completes with -1 once the target sent TLS close_notify; a connection that ends without one fails the read
 * (a truncation an attacker could cause). A write completes with the number of bytes taken (at most one TLS
 * record) once their ciphertext went to the inner channel; the caller writes the rest. {@link #shutdownOutput}
 * sends close_notify after any write in progress, then half-closes TCP; the target may still send.
 * {@link #close} fails outstanding operations at once, then sends close_notify (or the alert a TLS error left
 * pending) and closes the socket, waiting at most {@link #CLOSE_GRACE} for the socket to take it.
 *
 * <p>Memory is fixed per connection: one network buffer each way of the engine's packet size (16 KiB + a few
 * hundred bytes) and one buffer of decrypted bytes not yet read; a target that stops reading stops the writer at
 * TCP's window. The engine's delegated tasks (key exchange, certificate checks) run inline on the I/O thread:
 * ECDHE and RSA take milliseconds.
 *
 * <p>Use: {@link #handshake} once, before any read or write. Its callback reports {@code connected(this)} only
 * after the handshake finished (certificate and host name verified, when the engine is set to), or {@code failed}
 * with the TLS error, the channel then closing itself.
 */
public final class TlsTargetChannel implements TargetChannel {
    private static final Logger LOG = System.getLogger(TlsTargetChannel.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** How long {@link #close} may wait to hand close_notify to the socket before closing it anyway. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    /**
     * The channels the current thread still has to pump. Set while the thread pumps; a pump requested meanwhile
     * (from a handler that read or wrote again) is queued here instead of recursing.
     */
    private static final ThreadLocal<ArrayDeque<TlsTargetChannel>> PUMPING = new ThreadLocal<>();

    private final TargetChannel inner;
    private final SSLEngine engine;
    private final String description;
    private final CompletionHandler<Integer, ByteBuffer> innerReadHandler = new InnerRead();
    private final CompletionHandler<Integer, ByteBuffer> innerWriteHandler = new InnerWrite();
    private volatile String protocol = "";

    private final ReentrantLock lock = new ReentrantLock();
    // Everything below is guarded by lock. Buffers are kept flipped (bytes to consume between position and limit),
    // except netIn while the inner channel reads into it and netOut while it writes from it.
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean needInput;
    private boolean innerReading;
    private boolean innerWriting;
    private boolean innerEof;
    private boolean tasksRunning;
    private boolean inboundDone;
    private boolean handshakeFinished;
    private ConnectCallback handshakeCallback;
    private ScheduledFuture<?> handshakeTimer;
    private ByteBuffer readDst;
    private CompletionHandler<Integer, ByteBuffer> readHandler;
    private ByteBuffer writeSrc;
    private CompletionHandler<Integer, ByteBuffer> writeHandler;
    private int writeTaken;
    private boolean shutdownRequested;
    private boolean closeNotifyWrapped;
    private boolean innerShut;
    private boolean closed;
    private boolean innerClosed;
    private boolean ioFailed;
    private boolean lingerOver;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> lingerTimer;
    private Throwable failure;

    /**
     * @param inner       a connected plain channel; owned from now on
     * @param engine      a client-mode engine, configured (see {@link TargetTls#newEngine})
     * @param description the target for logs, e.g. {@code 127.0.0.1:5900}
     */
    TlsTargetChannel(TargetChannel inner, SSLEngine engine, String description) {
        this.inner = inner;
        this.engine = engine;
        this.description = description;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet).flip();
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    /** Runs the handshake without a time limit; see {@link #handshake(ConnectCallback, ScheduledExecutorService, Duration)}. */
    public void handshake(ConnectCallback callback) {
        handshake(callback, null, null);
    }

    /**
     * Starts the TLS handshake. Exactly one of {@code callback}'s methods runs, once: {@code connected(this)} when
     * the handshake finished, or {@code failed(e)} on a TLS error, end of stream, {@link #close}, or when
     * {@code timeout} elapsed first; after {@code failed} the channel is closed (the alert, if any, is still sent).
     * {@code timer} also bounds how long {@link #close} waits to send close_notify; without it (null) closing
     * does not wait and close_notify may be lost. {@code timeout} null or zero: no limit.
     */
    public void handshake(ConnectCallback callback, ScheduledExecutorService timer, Duration timeout) {
        lock.lock();
        try {
            if (handshakeCallback != null || handshakeFinished) {
                throw new IllegalStateException("handshake already started");
            }
            handshakeCallback = callback;
            this.timer = timer;
            try {
                if (timer != null && timeout != null && !timeout.isZero()) {
                    handshakeTimer = timer.schedule(() -> handshakeTimedOut(timeout), timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
                engine.beginHandshake();
            } catch (SSLException | RuntimeException e) {
                failure = e;
            }
        } finally {
            lock.unlock();
        }
        pump();
    }

    private void handshakeTimedOut(Duration timeout) {
        lock.lock();
        try {
            if (handshakeCallback == null || failure != null || closed) {
                return;
            }
            failure = new SSLHandshakeException("no answer within " + timeout.toMillis() + " ms");
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public void read(ByteBuffer dst, CompletionHandler<Integer, ByteBuffer> handler) {
        lock.lock();
        try {
            if (readHandler != null) {
                throw new ReadPendingException();
            }
            readDst = dst;
            readHandler = handler;
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public void write(ByteBuffer src, CompletionHandler<Integer, ByteBuffer> handler) {
        lock.lock();
        try {
            if (writeHandler != null) {
                throw new WritePendingException();
            }
            writeSrc = src;
            writeHandler = handler;
            writeTaken = 0;
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public void shutdownOutput() {
        lock.lock();
        try {
            if (closed || shutdownRequested) {
                return;
            }
            shutdownRequested = true;
        } finally {
            lock.unlock();
        }
        pump();
    }

    /**
     * Fails outstanding operations at once; then sends what is still to go (the rest of a record, close_notify)
     * and closes the socket when that was handed over, or after {@link #CLOSE_GRACE} at the latest (a target that
     * stopped reading cannot hold the socket open).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public String describe() {
        String p = protocol;
        return p.isEmpty() ? description : description + " (" + p + ")";
    }

    // ------------------------------------------------------------------------------------------- the pump

    /** Makes every step now possible, on this thread; re-entrant calls are queued, not nested. */
    private void pump() {
        ArrayDeque<TlsTargetChannel> queue = PUMPING.get();
        if (queue != null) {
            if (!queue.contains(this)) {
                queue.add(this);
            }
            return;
        }
        queue = new ArrayDeque<>(2);
        PUMPING.set(queue);
        try {
            TlsTargetChannel next = this;
            while (next != null) {
                next.pumpOnce();
                next = queue.poll();
            }
        } finally {
            PUMPING.remove();
        }
    }

    /** Repeats: decide under the lock, then act (inner I/O first, then handlers) outside it; until idle. */
    private void pumpOnce() {
        while (true) {
            Actions actions = new Actions();
            lock.lock();
            try {
                step(actions);
            } finally {
                lock.unlock();
            }
            if (actions.isEmpty()) {
                return;
            }
            actions.run();
        }
    }

    /** What a step decided to do once the lock is released. */
    private static final class Actions {
        final List<Runnable> io = new ArrayList<>(2);
        final List<Runnable> callbacks = new ArrayList<>(2);

        boolean isEmpty() {
            return io.isEmpty() && callbacks.isEmpty();
        }

        void run() {
            for (Runnable r : io) {
                r.run();
            }
            for (Runnable r : callbacks) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "TLS target channel: a completion handler failed", e);
                }
            }
        }
    }

    private void step(Actions out) {
        if (failure == null && !closed) {
            try {
                boolean progress = true;
                while (progress && !tasksRunning && failure == null) {
                    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        tasksRunning = true;
                        out.io.add(this::runTasks);
                        break;
                    }
                    progress = stepOutput(out);
                    progress |= stepInput(out);
                }
            } catch (SSLException | RuntimeException e) {
                failure = e;
            }
            if (failure == null && handshakeFinished && handshakeCallback != null) {
                ConnectCallback cb = handshakeCallback;
                handshakeCallback = null;
                cancelTimer();
                protocol = engine.getSession().getProtocol();
                out.callbacks.add(() -> cb.connected(this));
            }
        }
        if (failure != null || closed) {
            failPending(out);
        }
        if (closed && !innerClosed) {
            closing(out);
        }
    }

    private void runTasks() {
        try {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run(); // a failure inside surfaces from the next wrap or unwrap
            }
        } finally {
            lock.lock();
            try {
                tasksRunning = false;
            } finally {
                lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- output

    /** Flushes netOut, completes a write whose bytes were flushed, or wraps what comes next. */
    private boolean stepOutput(Actions out) throws SSLException {
        if (innerWriting) {
            return false;
        }
        if (netOut.hasRemaining()) {
            startInnerWrite(out);
            return true;
        }
        // netOut is empty: every byte wrapped so far went to the inner channel.
        if (writeHandler != null && (writeTaken > 0 || !writeSrc.hasRemaining())) {
            completeWrite(out, writeTaken);
            return true;
        }
        if (innerShut) {
            return false;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        boolean handshaking = hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
        ByteBuffer src;
        if (hs == HandshakeStatus.NEED_WRAP) {
            src = EMPTY;
        } else if (writeHandler != null) {
            if (engine.isOutboundDone()) {
                failWrite(out, new ClosedChannelException());
                return true;
            }
            if (handshaking) {
                return false; // application data waits for the (re)handshake
            }
            src = writeSrc;
        } else if (shutdownRequested && !closeNotifyWrapped) {
            closeNotifyWrapped = true;
            engine.closeOutbound();
            src = EMPTY;
        } else if (closeNotifyWrapped && !innerShut) {
            innerShut = true;
            out.io.add(inner::shutdownOutput);
            return true;
        } else {
            return false;
        }
        netOut.clear();
        SSLEngineResult r;
        try {
            r = engine.wrap(src, netOut);
        } finally {
            netOut.flip();
        }
        noteFinished(r);
        if (src == writeSrc) {
            writeTaken += r.bytesConsumed();
        }
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize(), "outgoing TLS record");
                return true;
            }
            case CLOSED -> {
                if (src == writeSrc && r.bytesConsumed() == 0 && !netOut.hasRemaining()) {
                    failWrite(out, new ClosedChannelException());
                    return true;
                }
            }
            default -> {
            }
        }
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
    }

    private void startInnerWrite(Actions out) {
        innerWriting = true;
        ByteBuffer b = netOut;
        out.io.add(() -> {
            try {
                inner.write(b, innerWriteHandler);
            } catch (RuntimeException e) {
                innerWriteHandler.failed(e, b);
            }
        });
    }

    // ------------------------------------------------------------------------------------------- input

    /** Delivers decrypted bytes, unwraps what arrived, or reads more ciphertext, when a reader or the engine wants. */
    private boolean stepInput(Actions out) throws SSLException {
        if (innerReading) {
            return false;
        }
        if (readHandler != null && (appIn.hasRemaining() || !readDst.hasRemaining())) {
            int n = Math.min(appIn.remaining(), readDst.remaining());
            ByteBuffer slice = appIn.slice();
            slice.limit(n);
            readDst.put(slice);
            appIn.position(appIn.position() + n);
            completeRead(out, n);
            return true;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        boolean engineWants = hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
        if (readHandler == null && !engineWants) {
            return false;
        }
        if (inboundDone) {
            if (readHandler != null) {
                completeRead(out, -1);
                return true;
            }
            return false;
        }
        if (netIn.hasRemaining() && !needInput) {
            return unwrap(out);
        }
        if (innerEof) {
            failure = endedEarly();
            return true;
        }
        netIn.compact();
        if (!netIn.hasRemaining()) {
            // A record larger than the buffer: allowed only up to what the session announces.
            netIn.flip();
            netIn = grow(netIn, engine.getSession().getPacketBufferSize(), "incoming TLS record");
            netIn.compact();
        }
        innerReading = true;
        ByteBuffer b = netIn;
        out.io.add(() -> {
            try {
                inner.read(b, innerReadHandler);
            } catch (RuntimeException e) {
                innerReadHandler.failed(e, b);
            }
        });
        return true;
    }

    private boolean unwrap(Actions out) throws SSLException {
        int appSize = engine.getSession().getApplicationBufferSize();
        if (readHandler != null && readDst.remaining() >= appSize) {
            // Straight into the reader's buffer, as many records as arrived and fit.
            int produced = 0;
            boolean progress = false;
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, readDst);
                noteFinished(r);
                produced += r.bytesProduced();
                progress |= r.bytesConsumed() > 0;
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    needInput = true;
                    progress = true;
                    break;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true;
                    progress = true;
                    break;
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                        || r.getHandshakeStatus() == HandshakeStatus.NEED_TASK
                        || r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                        || r.bytesConsumed() == 0 || !netIn.hasRemaining()
                        || readDst.remaining() < engine.getSession().getApplicationBufferSize()) {
                    break;
                }
            }
            if (produced > 0) {
                completeRead(out, produced);
                return true;
            }
            if (progress) {
                return true;
            }
        }
        // Into appIn, which is empty whenever a reader is waiting (stepInput delivered it first).
        boolean hadData = appIn.hasRemaining();
        appIn.compact();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
        noteFinished(r);
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                needInput = true;
                return true;
            }
            case BUFFER_OVERFLOW -> {
                if (hadData) {
                    return false; // wait for a reader to take what is there
                }
                appIn = grow(appIn, appSize, "decrypted TLS record");
                return true;
            }
            case CLOSED -> {
                inboundDone = true;
                return true;
            }
            default -> {
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    /** Why the stream ended without close_notify, as the error a reader (or the handshake) gets. */
    private SSLException endedEarly() {
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // Expected: we report our own wording below.
        }
        if (handshakeCallback != null) {
            return new SSLHandshakeException("the target closed the connection during the TLS handshake"
                    + " (is it a TLS server?)");
        }
        return new SSLException("the target closed the connection without TLS close_notify (truncated stream)");
    }

    // ------------------------------------------------------------------------------------------- endings

    /** Fails every waiting operation with the failure (or as closed); a failed handshake also closes. */
    private void failPending(Actions out) {
        Throwable e = failure != null ? failure : new AsynchronousCloseException();
        if (handshakeCallback != null) {
            ConnectCallback cb = handshakeCallback;
            handshakeCallback = null;
            cancelTimer();
            closed = true;
            Throwable reported = handshakeError(e);
            out.callbacks.add(() -> cb.failed(reported));
        }
        if (readHandler != null) {
            ByteBuffer dst = readDst;
            CompletionHandler<Integer, ByteBuffer> h = takeRead();
            out.callbacks.add(() -> h.failed(e, dst));
        }
        if (writeHandler != null) {
            failWrite(out, e);
        }
    }

    /**
     * After {@link #close}: finishes the record being sent, wraps close_notify (or the alert a TLS error left
     * pending) and sends it, then closes the socket. Gives up waiting when the socket failed, when the grace period
     * ran out, or when there is no timer to bound it (then close_notify is only attempted).
     */
    private void closing(Actions out) {
        boolean mayWait = !ioFailed && !lingerOver && !innerShut && startLinger();
        if (innerWriting && mayWait) {
            return;
        }
        if (!innerWriting && !netOut.hasRemaining() && !closeNotifyWrapped && !ioFailed && !innerShut) {
            closeNotifyWrapped = true;
            netOut.clear();
            try {
                engine.closeOutbound();
                engine.wrap(EMPTY, netOut);
            } catch (SSLException | RuntimeException e) {
                netOut.clear(); // nothing to say to the target then
            } finally {
                netOut.flip();
            }
        }
        if (!innerWriting && netOut.hasRemaining() && !ioFailed && !innerShut) {
            startInnerWrite(out);
            if (mayWait) {
                return;
            }
        }
        innerClosed = true;
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
        out.io.add(inner::close);
    }

    /** Arms the grace timer once; false when there is no timer to bound the wait. */
    private boolean startLinger() {
        if (lingerTimer != null) {
            return true;
        }
        if (timer == null) {
            return false;
        }
        try {
            lingerTimer = timer.schedule(() -> {
                lock.lock();
                try {
                    lingerOver = true;
                } finally {
                    lock.unlock();
                }
                pump();
            }, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the timer is shutting down with the server: close now
        }
    }

    /** The handshake error for the connect callback: names the target and hints at the setting to change. */
    private Throwable handshakeError(Throwable e) {
        if (e instanceof AsynchronousCloseException) {
            return e;
        }
        String hint = "";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException) {
                hint = "; the target's certificate is not trusted: give its CA in " + TargetTls.TRUST + " (or set "
                        + TargetTls.INSECURE + "=true for a test target)";
                break;
            }
            if (c instanceof CertificateException && c.getMessage() != null
                    && (c.getMessage().startsWith("No subject alternative") || c.getMessage().startsWith("No name"))) {
                hint = "; the certificate does not name the target host: connect by a name or address it lists";
                break;
            }
        }
        SSLHandshakeException h = new SSLHandshakeException("TLS handshake with " + description + " failed: "
                + e.getMessage() + hint);
        h.initCause(e);
        return h;
    }

    // ------------------------------------------------------------------------------------------- helpers

    private void noteFinished(SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeFinished = true;
        }
    }

    private void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private CompletionHandler<Integer, ByteBuffer> takeRead() {
        CompletionHandler<Integer, ByteBuffer> h = readHandler;
        readHandler = null;
        readDst = null;
        return h;
    }

    private CompletionHandler<Integer, ByteBuffer> takeWrite() {
        CompletionHandler<Integer, ByteBuffer> h = writeHandler;
        writeHandler = null;
        writeSrc = null;
        return h;
    }

    private void completeRead(Actions out, int n) {
        ByteBuffer dst = readDst;
        CompletionHandler<Integer, ByteBuffer> h = takeRead();
        out.callbacks.add(() -> h.completed(n, dst));
    }

    private void completeWrite(Actions out, int n) {
        ByteBuffer src = writeSrc;
        CompletionHandler<Integer, ByteBuffer> h = takeWrite();
        out.callbacks.add(() -> h.completed(n, src));
    }

    private void failWrite(Actions out, Throwable e) {
        ByteBuffer src = writeSrc;
        CompletionHandler<Integer, ByteBuffer> h = takeWrite();
        out.callbacks.add(() -> h.failed(e, src));
    }

    /** A copy of {@code b} (flipped, same content) with capacity {@code size}; fails if that is no larger. */
    private static ByteBuffer grow(ByteBuffer b, int size, String what) throws SSLException {
        if (size <= b.capacity()) {
            throw new SSLException(what + " larger than the " + b.capacity() + " bytes TLS allows");
        }
        ByteBuffer bigger = ByteBuffer.allocate(size);
        bigger.put(b);
        return bigger.flip();
    }

    // ------------------------------------------------------------------------------------------- inner handlers

    private final class InnerRead implements CompletionHandler<Integer, ByteBuffer> {
        @Override
        public void completed(Integer n, ByteBuffer b) {
            lock.lock();
            try {
                innerReading = false;
                b.flip();
                if (n < 0) {
                    innerEof = true;
                } else if (n > 0) {
                    needInput = false;
                }
            } finally {
                lock.unlock();
            }
            pump();
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            lock.lock();
            try {
                innerReading = false;
                b.flip();
                ioFailed = true;
                if (failure == null && !closed) {
                    failure = e;
                }
            } finally {
                lock.unlock();
            }
            pump();
        }
    }

    private final class InnerWrite implements CompletionHandler<Integer, ByteBuffer> {
        @Override
        public void completed(Integer n, ByteBuffer b) {
            lock.lock();
            try {
                innerWriting = false;
            } finally {
                lock.unlock();
            }
            pump();
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            lock.lock();
            try {
                innerWriting = false;
                ioFailed = true;
                if (failure == null && !closed) {
                    failure = e;
                }
            } finally {
                lock.unlock();
            }
            pump();
        }
    }
}
