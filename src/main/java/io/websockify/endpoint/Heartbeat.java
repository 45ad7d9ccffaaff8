package io.websockify.endpoint;

import io.websockify.bridge.Bridge;
import io.websockify.bridge.CloseStatus;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Upstream's {@code --heartbeat}, with the check upstream lacks: every interval the client gets an empty ping, and
 * a client that has not answered the previous ping by the next tick — or has not taken a message for a whole
 * interval — is closed (1001), so half-open connections do not linger. Runs on the runtime's timer; pings are sent
 * from {@code pinger} because a container may block the sender of a control frame behind a data message.
 */
final class Heartbeat implements Runnable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    private final Bridge bridge;
    private final Executor pinger;
    private final long intervalNanos;
    private volatile boolean awaitingPong;

    Heartbeat(Session session, Bridge bridge, Executor pinger, long intervalMillis) {
        this.session = session;
        this.bridge = bridge;
        this.pinger = pinger;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        session.addMessageHandler(PongMessage.class, pong -> awaitingPong = false);
    }

    @Override
    public void run() {
        if (!session.isOpen()) {
            return;
        }
        long since = bridge.sendingSince();
        boolean stuck = since != 0 && System.nanoTime() - since > intervalNanos;
        if (awaitingPong || stuck) {
            bridge.abort(CloseStatus.NO_PONG, stuck ? "client took no message for a heartbeat interval"
                    : "client did not answer the heartbeat ping");
            return;
        }
        if (since != 0) {
            // A message is on its way; its progress shows the client is alive.
            return;
        }
        awaitingPong = true;
        pinger.execute(() -> {
            try {
                session.getAsyncRemote().sendPing(EMPTY.duplicate());
            } catch (Exception e) {
                // The session is closing; the next tick or the close handler ends it.
            }
        });
    }
}
