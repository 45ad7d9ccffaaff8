package io.websockify.bridge;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Pumps bytes between one WebSocket client and one target, with backpressure both ways and nothing queued beyond
 * a fixed amount.
 *
 * <p>Target → client: one read from the target becomes one message. At most one message is being sent and at
 * most one further read is ahead of it, so a client that stops reading stops the target at its TCP window.
 * Client → target: {@link #clientData} hands each piece of a client message to the target and pauses the client
 * side until the target took every byte; a second piece arriving meanwhile waits on the calling (container)
 * thread.
 *
 * <p>Closing happens once. Target end of stream: every byte read reaches the client, then close 1000
 * {@code Target closed}. Client close: every byte the client sent reaches the target, then the target's output is
 * shut and its socket closed. Errors on either side close the other with 1011 or silently, as fits.
 *
 * <p>Thread-safety: every public method may be called from any thread. No lock is held while calling the
 * client or the target.
 */
public final class Bridge {
    private static final Logger LOG = System.getLogger(Bridge.class.getName());

    private final ClientSide client;
    private final ReadBuffers buffers;
    private final String label;
    private final Level eventLevel;
    private final Consumer<Bridge> onFinished;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writeDone = lock.newCondition();

    // All fields below are guarded by lock.
    private TargetChannel target;
    private boolean finished;
    // target → client
    private boolean reading;
    private boolean sending;
    private ByteBuffer pending;
    private boolean targetEof;
    private Throwable targetError;
    private boolean lastReadFilled;
    private int lastReadCapacity;
    // client → target
    private boolean writing;
    private boolean drainThenCloseTarget;
    private boolean noMoreClientData;

    /** Reads one call of startRead completes in a row before it hands the next to the I/O thread (fairness). */
    private static final int MAX_INLINE_READS = 2;

    /** The read call startRead is inside, if any: an inline completion leaves its result there. */
    private final AtomicReference<InlineRead> inlineRead = new AtomicReference<>();

    /** One read call of startRead; the result fields are written and read by {@link #thread} only. */
    private static final class InlineRead {
        final Thread thread = Thread.currentThread();
        int n;
        ByteBuffer buf;
    }

    private volatile long sendStartedNanos;
    private final AtomicBoolean clientCloseSent = new AtomicBoolean();
    private final AtomicBoolean targetClosed = new AtomicBoolean();
    private volatile String outcome = "open";

    private final CompletionHandler<Integer, ByteBuffer> readHandler = new ReadHandler();
    private final CompletionHandler<Integer, ByteBuffer> writeHandler = new WriteHandler();

    /**
     * @param client     the WebSocket side; the caller has already paused its reading until the target connects
     * @param buffers    where reads from the target go, sized by how much the target sends
     * @param label      names the session in logs, without secrets
     * @param verbose    log connection events at INFO rather than DEBUG
     * @param onFinished called once when both sides are closed
     */
    public Bridge(ClientSide client, ReadBuffers buffers, String label, boolean verbose, Consumer<Bridge> onFinished) {
        this.client = client;
        this.buffers = buffers;
        this.label = label;
        this.eventLevel = verbose ? Level.INFO : Level.DEBUG;
        this.onFinished = onFinished;
    }

    public String label() {
        return label;
    }

    /** How the session ended so far, for logs and status. */
    public String outcome() {
        return outcome;
    }

    /** The target is connected: start both directions. Closes {@code channel} if the client already left. */
    public void targetConnected(TargetChannel channel) {
        lock.lock();
        boolean late;
        try {
            late = finished;
            if (!late) {
                target = channel;
                writeDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (late) {
            channel.close();
            return;
        }
        LOG.log(eventLevel, "{0}: connected to target {1}", label, channel.describe());
        client.resumeReading();
        startRead();
    }

    /** The target could not be reached: close 1011 {@code Failed to connect to downstream server}. */
    public void targetConnectFailed(String target, Throwable cause) {
        LOG.log(Level.WARNING, "{0}: failed to connect to {1}: {2}", label, target, describe(cause));
        closeClient(CloseStatus.CONNECT_FAILED);
        finish("target unreachable");
    }

    // ---------------------------------------------------------------- client → target

    /**
     * A piece of a client message. Blocks the calling thread only while an earlier piece is still being written
     * or the target is still connecting. The bridge owns {@code data} from now on.
     */
    public void clientData(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        TargetChannel t;
        lock.lock();
        try {
            while ((writing || target == null) && !finished && !noMoreClientData) {
                writeDone.awaitUninterruptibly();
            }
            if (finished || noMoreClientData) {
                return;
            }
            writing = true;
            t = target;
        } finally {
            lock.unlock();
        }
        client.pauseReading();
        try {
            t.write(data, writeHandler);
        } catch (RuntimeException e) {
            writeHandler.failed(e, data);
        }
    }

    /** The client sent a close frame (already echoed by the container): drain to the target, then close it. */
    public void clientClosed(int code, String reason) {
        LOG.log(eventLevel, "{0}: client closed ({1} {2})", label, String.valueOf(code), reason == null ? "" : reason);
        outcomeIfOpen("client closed " + code);
        closeTargetAfterWrites();
    }

    /** The client connection failed (reset, protocol error): drop the target. */
    public void clientFailed(Throwable cause) {
        LOG.log(eventLevel, "{0}: client connection failed: {1}", label, describe(cause));
        outcomeIfOpen("client error");
        clientCloseSent.set(true);
        finish("client error");
    }

    /** The client broke the protocol of this session (e.g. text on a binary session): close with {@code status}. */
    public void clientProtocolError(CloseStatus status) {
        LOG.log(eventLevel, "{0}: {1}", label, status.reason());
        outcomeIfOpen(status.code() + " " + status.reason());
        closeClient(status);
        closeTargetAfterWrites();
    }

    /**
     * When the message now being sent to the client started ({@link System#nanoTime()}), or 0 when none is in
     * flight: a send that never completes means the client stopped reading.
     */
    public long sendingSince() {
        return sendStartedNanos;
    }

    /** Ends the session at once for a reason of the server's (heartbeat timeout, limits): close and drop the target. */
    public void abort(CloseStatus status, String why) {
        LOG.log(eventLevel, "{0}: {1}", label, why);
        outcomeIfOpen(why);
        closeClient(status);
        finish(why);
    }

    /** Server shutdown or undeploy: close 1001 and drop the target. */
    public void shutdown() {
        outcomeIfOpen("server shutdown");
        closeClient(CloseStatus.SHUTDOWN);
        finish("server shutdown");
    }

    private void closeTargetAfterWrites() {
        boolean now;
        lock.lock();
        try {
            noMoreClientData = true;
            writeDone.signalAll();
            now = !writing;
            if (!now) {
                drainThenCloseTarget = true;
            }
        } finally {
            lock.unlock();
        }
        if (now) {
            shutdownAndFinish();
        }
    }

    private void shutdownAndFinish() {
        TargetChannel t;
        lock.lock();
        try {
            t = target;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.shutdownOutput();
        }
        finish(outcome);
    }

    private final class WriteHandler implements CompletionHandler<Integer, ByteBuffer> {
        @Override
        public void completed(Integer n, ByteBuffer buf) {
            if (buf.hasRemaining()) {
                TargetChannel t = currentTarget();
                if (t != null) {
                    try {
                        t.write(buf, this);
                        return;
                    } catch (RuntimeException e) {
                        failed(e, buf);
                        return;
                    }
                }
            }
            boolean drain;
            lock.lock();
            try {
                writing = false;
                drain = drainThenCloseTarget;
                writeDone.signalAll();
            } finally {
                lock.unlock();
            }
            client.resumeReading();
            if (drain) {
                shutdownAndFinish();
            }
        }

        @Override
        public void failed(Throwable e, ByteBuffer buf) {
            lock.lock();
            try {
                writing = false;
                writeDone.signalAll();
            } finally {
                lock.unlock();
            }
            client.resumeReading();
            if (!isFinished()) {
                LOG.log(Level.WARNING, "{0}: writing to target failed: {1}", label, describe(e));
                closeClient(CloseStatus.targetLost(e));
                finish("target write failed");
            }
        }
    }

    // ---------------------------------------------------------------- target → client

    private void startRead() {
        startRead(false);
    }

    /**
     * Starts the next read from the target. While the target is quiet (the last read did not fill its buffer) the
     * bridge first waits for data without a buffer, so an idle session holds none; {@code readable} says that
     * wait is over.
     */
    private void startRead(boolean readable) {
        for (int inlineReads = 0; ; inlineReads++) {
            TargetChannel t;
            ByteBuffer buf = null;
            lock.lock();
            try {
                if (finished || reading || targetEof || targetError != null || target == null) {
                    return;
                }
                reading = true;
                t = target;
                // Wait without a buffer while quiet; after a run of reads on this thread, let the others have a turn.
                boolean wait = t.waitsForReadable()
                        && ((!lastReadFilled && !readable) || inlineReads >= MAX_INLINE_READS);
                if (!wait) {
                    buf = buffers.next(lastReadCapacity, lastReadFilled);
                }
            } finally {
                lock.unlock();
            }
            if (buf == null) {
                try {
                    t.whenReadable(this::targetReadable);
                } catch (RuntimeException e) {
                    readHandler.failed(e, null);
                }
                return;
            }
            // A channel may complete the read inside this call; then the result is taken here, in a loop, so a
            // target that streams does not deepen the stack with every read.
            InlineRead mine = new InlineRead();
            inlineRead.set(mine);
            try {
                t.read(buf, readHandler);
            } catch (RuntimeException e) {
                inlineRead.compareAndSet(mine, null);
                readHandler.failed(e, buf);
                return;
            }
            inlineRead.compareAndSet(mine, null);
            if (mine.buf == null || !readDone(mine.n, mine.buf)) {
                return;
            }
            readable = false;
        }
    }

    private void targetReadable() {
        lock.lock();
        try {
            reading = false;
        } finally {
            lock.unlock();
        }
        startRead(true);
    }

    /** A read from the target completed: hand its data on. Returns true when the next read should start. */
    private boolean readDone(int n, ByteBuffer buf) {
        ByteBuffer toSend = null;
        boolean readAgain = false;
        boolean eofNow = false;
        lock.lock();
        try {
            reading = false;
            if (finished) {
                // The session ended while this read was under way: the data is dropped and the buffer given back
                // below (no send or pending slot would ever return it).
            } else if (n < 0) {
                targetEof = true;
                eofNow = !sending && pending == null;
            } else {
                lastReadFilled = !buf.hasRemaining();
                lastReadCapacity = buf.capacity();
                buf.flip();
                if (sending) {
                    pending = buf;
                    buf = null;
                } else {
                    sending = true;
                    toSend = buf;
                    buf = null;
                    readAgain = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (buf != null) {
            release(buf);
        }
        if (toSend != null) {
            send(toSend);
        }
        if (eofNow) {
            targetEnded();
        }
        return readAgain;
    }

    private final class ReadHandler implements CompletionHandler<Integer, ByteBuffer> {
        @Override
        public void completed(Integer n, ByteBuffer buf) {
            InlineRead r = inlineRead.get();
            if (r != null && r.thread == Thread.currentThread()) {
                // Completed inside startRead's call: let its loop go on instead of nesting deeper.
                r.n = n;
                r.buf = buf;
                return;
            }
            if (readDone(n, buf)) {
                startRead();
            }
        }

        @Override
        public void failed(Throwable e, ByteBuffer buf) {
            release(buf);
            boolean endNow;
            lock.lock();
            try {
                reading = false;
                if (finished) {
                    return;
                }
                targetError = e;
                endNow = !sending && pending == null;
            } finally {
                lock.unlock();
            }
            if (endNow) {
                targetEnded();
            }
        }
    }

    private void send(ByteBuffer buf) {
        sendStartedNanos = System.nanoTime();
        try {
            client.send(buf, failure -> sent(buf, failure));
        } catch (RuntimeException e) {
            sent(buf, e);
        }
    }

    private void sent(ByteBuffer buf, Throwable failure) {
        sendStartedNanos = 0;
        release(buf);
        if (failure != null) {
            if (!isFinished()) {
                LOG.log(eventLevel, "{0}: sending to client failed: {1}", label, describe(failure));
                outcomeIfOpen("client send failed");
                clientCloseSent.set(true);
                finish("client send failed");
            }
            return;
        }
        ByteBuffer next;
        boolean end = false;
        lock.lock();
        try {
            next = pending;
            pending = null;
            if (next == null) {
                sending = false;
                end = targetEof || targetError != null;
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            send(next);
            startRead();
        } else if (end) {
            targetEnded();
        }
    }

    /** Every byte read from the target was sent: tell the client why the session ends. */
    private void targetEnded() {
        Throwable error;
        lock.lock();
        try {
            error = targetError;
        } finally {
            lock.unlock();
        }
        if (error == null) {
            LOG.log(eventLevel, "{0}: target closed", label);
            outcomeIfOpen("target closed");
            closeClient(CloseStatus.TARGET_CLOSED);
            closeTargetAfterWrites();
        } else {
            LOG.log(Level.WARNING, "{0}: target connection lost: {1}", label, describe(error));
            outcomeIfOpen("target lost");
            closeClient(CloseStatus.targetLost(error));
            finish("target lost");
        }
    }

    // ---------------------------------------------------------------- closing

    private void closeClient(CloseStatus status) {
        if (clientCloseSent.compareAndSet(false, true)) {
            client.close(status.code(), status.reason());
        }
    }

    private void finish(String why) {
        TargetChannel t;
        ByteBuffer p;
        lock.lock();
        try {
            if (finished) {
                return;
            }
            finished = true;
            t = target;
            p = pending;
            pending = null;
            writeDone.signalAll();
        } finally {
            lock.unlock();
        }
        release(p);
        if (t != null && targetClosed.compareAndSet(false, true)) {
            t.close();
        }
        client.resumeReading();
        outcomeIfOpen(why);
        LOG.log(eventLevel, "{0}: session ended: {1}", label, outcome);
        onFinished.accept(this);
    }

    private boolean isFinished() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }

    private TargetChannel currentTarget() {
        lock.lock();
        try {
            return finished ? null : target;
        } finally {
            lock.unlock();
        }
    }

    private void outcomeIfOpen(String o) {
        if ("open".equals(outcome)) {
            outcome = o;
        }
    }

    private void release(ByteBuffer b) {
        buffers.release(b);
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        if (t instanceof AsynchronousCloseException || t instanceof ClosedChannelException) {
            return "closed";
        }
        String m = t.getMessage();
        return t instanceof IOException && m != null ? m : t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
