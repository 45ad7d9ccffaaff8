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
    private final AtomicBoolean paused = new AtomicBoolean();

    SessionClient(Session session, boolean base64, ReadGate gate) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.base64 = base64;
        this.gate = gate;
    }

    @Override
    public void send(ByteBuffer data, SendCallback done) {
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
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is already gone; nothing more to tell the client.
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
