package io.websockify.endpoint;

import io.websockify.bridge.ClientSide;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bridge's view of a Jakarta WebSocket session: binary messages, or base64 text for {@code base64} sessions.
 * Uses the asynchronous remote so no thread waits for a slow client.
 */
final class SessionClient implements ClientSide {
    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final boolean base64;
    private final ReadGate gate;
    private final Executor closer;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Object sendLock = new Object();
    private boolean gone;

    /**
     * @param closer runs the closing handshake: a container may block the closing thread until the close frame is
     *               written, which must not stall the I/O threads that called {@link #close}
     */
    SessionClient(Session session, boolean base64, ReadGate gate, Executor closer) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.base64 = base64;
        this.gate = gate;
        this.closer = closer;
        // Tomcat gives a close frame other than 1000 only 50 ms to get out, then drops the connection without
        // it; behind a message still on its way to a slow client that loses the close code. Our closes run on
        // the closer's threads, so waiting longer costs no I/O thread.
        session.getUserProperties().put(ABNORMAL_CLOSE_TIMEOUT, CLOSE_SEND_MILLIS);
    }

    static final String ABNORMAL_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";
    static final Long CLOSE_SEND_MILLIS = 5000L;

    /**
     * Called first thing when the container reports the session closed or failed. From then on nothing is sent:
     * the container may already be handing the connection's socket buffers to a new connection, and a late send
     * could land there (seen under load with Tomcat's buffer reuse: another session's bytes on a new connection).
     */
    void markGone() {
        synchronized (sendLock) {
            gone = true;
        }
    }

    @Override
    public void send(ByteBuffer data, SendCallback done) {
        // The check and the hand-over to the container happen under one lock that markGone takes too, so a send
        // either reaches the container before it learns that the connection is gone, or is refused.
        synchronized (sendLock) {
            if (gone || !session.isOpen()) {
                done.done(new IOException("session closed"));
                return;
            }
            sendNow(data, done);
        }
    }

    private void sendNow(ByteBuffer data, SendCallback done) {
        if (base64) {
            // The encoded text is a copy, so the buffer could be reused at once; we still report after the send
            // so that the bridge keeps exactly one message in flight.
            ByteBuffer encoded = Base64.getEncoder().encode(data);
            remote.sendText(new String(encoded.array(), 0, encoded.limit(), StandardCharsets.ISO_8859_1),
                    r -> done.done(failure(r)));
        } else {
            remote.sendBinary(data, r -> done.done(failure(r)));
        }
    }

    private static Throwable failure(SendResult r) {
        if (r.isOK()) {
            return null;
        }
        return r.getException() != null ? r.getException() : new IOException("send failed");
    }

    @Override
    public void close(int code, String reason) {
        Runnable closing = () -> {
            try {
                if (session.isOpen()) {
                    session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
                }
            } catch (IOException | IllegalStateException e) {
                // The connection is already gone; nothing more to tell the client.
            }
        };
        try {
            closer.execute(closing);
        } catch (RejectedExecutionException e) {
            closing.run();
        }
    }

    @Override
    public void pauseReading() {
        if (paused.compareAndSet(false, true)) {
            try {
                gate.suspend();
            } catch (RuntimeException e) {
                paused.set(false);
            }
        }
    }

    @Override
    public void resumeReading() {
        if (paused.compareAndSet(true, false)) {
            try {
                gate.resume();
            } catch (RuntimeException e) {
                // A closed session cannot be resumed and needs no reading.
            }
        }
    }
}
