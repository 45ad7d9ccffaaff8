package io.websockify.endpoint;

import io.websockify.bridge.Bridge;
import io.websockify.bridge.CloseStatus;
import io.websockify.route.RouteOutcome;
import io.websockify.websocket.Base64Decoder;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The WebSocket end of one proxied connection: opens the target and hands both sides to a {@link Bridge}.
 * One instance per session; the container calls it on its own threads, one callback at a time per session.
 */
public final class ProxyEndpoint extends Endpoint {
    private final ProxyRuntime runtime;
    private volatile Bridge bridge;
    private volatile SessionClient client;

    ProxyEndpoint(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        HandshakeInfo info = (HandshakeInfo) config.getUserProperties().get(HandshakeInfo.KEY);
        if (info == null) {
            // Without the gate (Jetty) nothing was counted, so there is no slot to give back.
            RouteOutcome.Refused refused = (RouteOutcome.Refused) config.getUserProperties()
                    .get(ProxyConfigurator.REFUSED_KEY);
            new SessionClient(session, false, ReadGate.NONE, runtime.closer()).close(
                    refused != null ? refused.closeCode() : 1011,
                    refused != null ? refused.message() : "No target resolved");
            return;
        }
        Subprotocol mode = Subprotocol.ofNegotiated(session.getNegotiatedSubprotocol());
        if (!runtime.settings().sendTimeout().isZero()) {
            session.getAsyncRemote().setSendTimeout(runtime.settings().sendTimeout().toMillis());
        }
        var limits = runtime.settings().limits();
        session.setMaxIdleTimeout(limits.sessionIdleTimeout().toMillis());
        SessionClient client = new SessionClient(session, mode == Subprotocol.BASE64, ReadGate.of(session),
                runtime.closer());
        this.client = client;
        // Client data that arrives before the target is connected waits in Bridge.clientData (at most the connect
        // timeout); reading is not suspended here, since a resume racing the container's start of reading could
        // leave a session suspended for good.
        AtomicReference<Future<?>> heartbeat = new AtomicReference<>();
        Bridge b = runtime.opener().open(client, session.getId(), info, opened -> bridge = opened, () -> {
            Future<?> f = heartbeat.get();
            if (f != null) {
                f.cancel(false);
            }
        }, null);
        if (b == null) {
            return;
        }
        if (!limits.heartbeat().isZero()) {
            long ms = limits.heartbeat().toMillis();
            heartbeat.set(runtime.timer().scheduleAtFixedRate(new Heartbeat(session, b, runtime.pinger(), ms), ms,
                    ms, TimeUnit.MILLISECONDS));
        }
        addMessageHandlers(session, mode, b, new MessageSizeLimit(limits.maxMessageSize()));
    }

    /** Binary parts go to the target; text is base64 on a base64 session and a protocol error otherwise. */
    private static void addMessageHandlers(Session session, Subprotocol mode, Bridge b, MessageSizeLimit size) {
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (buf, last) -> {
            if (!size.accept(buf.remaining(), last)) {
                b.clientProtocolError(CloseStatus.MESSAGE_TOO_BIG);
                return;
            }
            b.clientData(buf);
        });
        if (mode == Subprotocol.BASE64) {
            Base64Decoder decoder = new Base64Decoder();
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (text, last) -> {
                if (!size.accept(text.length(), last)) {
                    b.clientProtocolError(CloseStatus.MESSAGE_TOO_BIG);
                    return;
                }
                ByteBuffer bytes = decoder.decode(text, last);
                if (bytes == null) {
                    b.clientProtocolError(CloseStatus.BAD_BASE64);
                } else {
                    b.clientData(bytes);
                }
            });
        } else {
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (text, last) ->
                    b.clientProtocolError(CloseStatus.TEXT_UNSUPPORTED));
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        SessionClient c = client;
        if (c != null) {
            c.markGone();
        }
        Bridge b = bridge;
        if (b != null) {
            b.clientClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        SessionClient c = client;
        if (c != null) {
            c.markGone();
        }
        Bridge b = bridge;
        if (b != null) {
            b.clientFailed(failure);
        }
    }
}
