package io.websockify.endpoint;

import io.websockify.config.Limits;
import io.websockify.reactor.Reactor;
import io.websockify.websocket.ConnectionOptions;
import io.websockify.websocket.OpeningHandshake;
import io.websockify.websocket.TomcatUpgradeHandler;
import io.websockify.websocket.WebSocketConnection;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Upgrades a checked request to the built-in WebSocket engine on Tomcat: answers 101 with the accept key and the
 * chosen subprotocol (no extensions), and hands the socket to a {@link WebSocketConnection} bridged to the target.
 * This class references Tomcat's classes; it is loaded only when {@link #available(ClassLoader)} said yes.
 */
final class BuiltinUpgrade {
    private static final String HOOK = "org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler";
    /** How long a closing session waits for the client's close frame (and for its own to get out). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ProxyRuntime runtime;
    private final ConnectionOptions binaryOptions;
    private final ConnectionOptions base64Options;
    private final AtomicLong ids = new AtomicLong();

    BuiltinUpgrade(ProxyRuntime runtime) {
        this.runtime = runtime;
        this.binaryOptions = options(runtime, false);
        this.base64Options = options(runtime, true);
    }

    private static ConnectionOptions options(ProxyRuntime runtime, boolean base64) {
        Limits limits = runtime.settings().limits();
        return new ConnectionOptions(base64, limits.maxMessageSize(), runtime.clientReadBuffers(), limits.heartbeat(),
                limits.sessionIdleTimeout(), runtime.settings().sendTimeout(), CLOSE_WAIT, runtime.timer());
    }

    /** True when the container is Tomcat 10.1 or later with its upgrade hook visible to this application. */
    static boolean available(ClassLoader loader) {
        try {
            Class.forName(HOOK, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Sends 101 and starts the session; the caller has checked the handshake and resolved the target. */
    void upgrade(HttpServletRequest request, HttpServletResponse response, HandshakeInfo info, Subprotocol mode)
            throws IOException, ServletException {
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "upgrade");
        response.setHeader("Sec-WebSocket-Accept", OpeningHandshake.accept(request.getHeader("Sec-WebSocket-Key")));
        if (mode != Subprotocol.NONE) {
            response.setHeader("Sec-WebSocket-Protocol", mode.token());
        }
        ConnectionOptions options = mode == Subprotocol.BASE64 ? base64Options : binaryOptions;
        String id = "b" + Long.toHexString(ids.incrementAndGet());
        TomcatUpgradeHandler handler = request.upgrade(TomcatUpgradeHandler.class);
        // One I/O thread for the client connection and its target: a streaming session then moves its data
        // without crossing threads.
        Reactor reactor = runtime.reactors().next();
        handler.prepare(socket -> {
            WebSocketConnection connection = new WebSocketConnection(socket, options, runtime.openConnections());
            runtime.opener().open(connection, id, info, connection::attach, () -> { }, reactor);
            return connection;
        }, info.onEnd(), reactor);
    }
}
