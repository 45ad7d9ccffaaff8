package io.websockify.websocket;

import io.websockify.bridge.ClientSide.SendCallback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts whole frames on one connection, one write at a time, from any thread. While a write waits for the socket,
 * at most one data frame, one pong (the latest), one ping and the close frame wait behind it, so memory per
 * connection is bounded whatever the peer does. Control frames go before a waiting data frame; nothing goes after
 * the close frame.
 *
 * <p>A data frame's callback runs once every byte of it reached the socket (or the connection failed), on the
 * thread that completed the write and never while this object's lock is held.
 */
final class FrameOutput {
    private final RawSocket socket;
    private final Runnable closeFlushed;
    private final Consumer<IOException> writeFailed;
    private final Object lock = new Object();

    // Guarded by lock.
    private boolean waiting;
    private long waitingSince;
    private SendCallback inFlight;
    private boolean inFlightIsClose;
    private ByteBuffer[] queuedData;
    private SendCallback queuedDone;
    private ByteBuffer queuedPong;
    private ByteBuffer queuedPing;
    private ByteBuffer queuedClose;
    private boolean closeAccepted;
    private IOException failure;

    /**
     * @param closeFlushed runs once, when the close frame has reached the socket
     * @param writeFailed  runs once when writing to the socket fails (the connection is then of no further use)
     */
    FrameOutput(RawSocket socket, Runnable closeFlushed, Consumer<IOException> writeFailed) {
        this.socket = socket;
        this.closeFlushed = closeFlushed;
        this.writeFailed = writeFailed;
    }

    /** Sends one data frame ({@code frame} = header and payload); {@code done} gets null or the failure. */
    void data(ByteBuffer[] frame, SendCallback done) {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (lock) {
            if (failure != null || closeAccepted) {
                IOException why = failure != null ? failure : new IOException("connection closing");
                after.add(() -> done.done(why));
            } else if (waiting || queuedData != null) {
                queuedData = frame;
                queuedDone = done;
            } else {
                queuedData = frame;
                queuedDone = done;
                advance(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** Answers a ping; a pong still waiting is replaced, as RFC 6455 5.5.3 allows. */
    void pong(byte[] payload) {
        control(ServerFrames.control(ServerFrames.PONG, payload), true);
    }

    void ping() {
        control(ServerFrames.control(ServerFrames.PING, new byte[0]), false);
    }

    private void control(ByteBuffer frame, boolean pong) {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (lock) {
            if (failure != null || closeAccepted) {
                return;
            }
            if (pong) {
                queuedPong = frame;
            } else {
                queuedPing = frame;
            }
            if (!waiting) {
                advance(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /**
     * Sends the close frame, after what is already on its way; a data frame still waiting is dropped (its callback
     * fails). Returns false when a close frame was already sent.
     */
    boolean close(ByteBuffer frame) {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (lock) {
            if (closeAccepted) {
                return false;
            }
            closeAccepted = true;
            if (failure != null) {
                return true;
            }
            if (queuedData != null) {
                SendCallback dropped = queuedDone;
                queuedData = null;
                queuedDone = null;
                after.add(() -> dropped.done(new IOException("connection closing")));
            }
            queuedClose = frame;
            if (!waiting) {
                advance(after);
            }
        }
        after.forEach(Runnable::run);
        return true;
    }

    /** The write that was waiting for the socket got out: continue with what queued behind it. */
    void onWritable() {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (lock) {
            if (waiting && failure == null) {
                waiting = false;
                waitingSince = 0;
                completed(after);
                advance(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** The connection is gone: every waiting callback fails. */
    void failed(IOException e) {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (lock) {
            if (failure == null) {
                fail(e, after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** When the write now waiting for the socket started ({@link System#nanoTime()}), or 0 when none waits. */
    long waitingSince() {
        synchronized (lock) {
            return waitingSince;
        }
    }

    // Writes queued frames in order until one has to wait. Called with the lock held and nothing waiting.
    private void advance(List<Runnable> after) {
        while (!waiting && failure == null) {
            ByteBuffer[] next;
            SendCallback done = null;
            boolean isClose = false;
            if (queuedPong != null) {
                next = new ByteBuffer[] {queuedPong};
                queuedPong = null;
            } else if (queuedPing != null) {
                next = new ByteBuffer[] {queuedPing};
                queuedPing = null;
            } else if (queuedData != null) {
                next = queuedData;
                done = queuedDone;
                queuedData = null;
                queuedDone = null;
            } else if (queuedClose != null) {
                next = new ByteBuffer[] {queuedClose};
                queuedClose = null;
                isClose = true;
            } else {
                return;
            }
            inFlight = done;
            inFlightIsClose = isClose;
            try {
                if (socket.write(next)) {
                    completed(after);
                } else {
                    waiting = true;
                    waitingSince = System.nanoTime();
                }
            } catch (IOException e) {
                fail(e, after);
                after.add(() -> writeFailed.accept(e));
            }
        }
    }

    private void completed(List<Runnable> after) {
        SendCallback done = inFlight;
        inFlight = null;
        if (done != null) {
            after.add(() -> done.done(null));
        }
        if (inFlightIsClose) {
            inFlightIsClose = false;
            after.add(closeFlushed);
        }
    }

    private void fail(IOException e, List<Runnable> after) {
        failure = e;
        waiting = false;
        waitingSince = 0;
        SendCallback a = inFlight;
        SendCallback b = queuedDone;
        inFlight = null;
        queuedDone = null;
        queuedData = null;
        queuedPong = null;
        queuedPing = null;
        queuedClose = null;
        if (a != null) {
            after.add(() -> a.done(e));
        }
        if (b != null) {
            after.add(() -> b.done(e));
        }
    }
}
