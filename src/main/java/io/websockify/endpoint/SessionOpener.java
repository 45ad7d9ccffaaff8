package io.websockify.endpoint;

import io.websockify.bridge.Bridge;
import io.websockify.bridge.ClientSide;
import io.websockify.bridge.CloseStatus;
import io.websockify.bridge.TargetChannel;
import io.websockify.reactor.Reactor;
import io.websockify.target.ConnectCallback;

import java.util.function.Consumer;

/**
 * Starts the proxy side of a new session, whichever WebSocket engine carries it: makes its bridge, registers it
 * (so shutdown can close it), and starts connecting the target. Thread-safe; one per deployment.
 */
final class SessionOpener {
    private final ProxyRuntime runtime;

    SessionOpener(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Opens a session for {@code client}. {@code attach} receives the bridge before anything can call back into
     * the client; {@code onEnd} runs once when the session is over. Returns null when the deployment is shutting
     * down: the client has then been closed with the shutdown status. The target's socket runs on {@code reactor}
     * (null: the next in turn).
     */
    Bridge open(ClientSide client, String sessionId, HandshakeInfo info, Consumer<Bridge> attach, Runnable onEnd,
                Reactor reactor) {
        String label = "session " + sessionId + " from " + info.client()
                + (info.user() != null ? " (" + info.user() + ")" : "") + " on " + info.path()
                + (info.token() != null ? " token " + info.token() : "");
        Bridge b = new Bridge(client, runtime.readBuffers(), label,
                runtime.settings().verbose(), finished -> {
                    runtime.registry().remove(finished);
                    onEnd.run();
                    info.onEnd().run();
                });
        attach.accept(b);
        if (!runtime.registry().add(b)) {
            CloseStatus refusal = runtime.registry().refusal();
            b.abort(refusal, "refused: " + refusal.reason());
            return null;
        }
        String target = info.target().describe();
        runtime.connector().connect(info.target(), reactor, new ConnectCallback() {
            @Override
            public void connected(TargetChannel channel) {
                b.targetConnected(channel);
            }

            @Override
            public void failed(Throwable cause) {
                b.targetConnectFailed(target, cause);
            }
        });
        return b;
    }
}
