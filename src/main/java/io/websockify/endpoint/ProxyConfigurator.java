package io.websockify.endpoint;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;

/**
 * Handshake policy of the proxy endpoint: picks the subprotocol, declines permessage-deflate unless enabled, and
 * hands what the upgrade gate learned to the session. Creates one {@link ProxyEndpoint} per session.
 */
final class ProxyConfigurator extends ServerEndpointConfig.Configurator {
    private final ProxyRuntime runtime;

    ProxyConfigurator(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        Subprotocol p = Subprotocol.choose(Subprotocol.offered(requested));
        return p == null ? "" : p.token();
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        // VNC data is already compressed: deflating it again costs CPU for nothing, so it is opt-in.
        return runtime.settings().permessageDeflate() ? super.getNegotiatedExtensions(installed, requested) : List.of();
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        HandshakeInfo info = HandshakeInfo.current();
        if (info == null) {
            // The container ran the handshake without our filter (Jetty): no client address to show.
            String path = request.getRequestURI() == null ? "?" : request.getRequestURI().getRawPath();
            info = new HandshakeInfo("unknown", path, runtime.settings().target());
        }
        sec.getUserProperties().put(HandshakeInfo.KEY, info);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return (T) new ProxyEndpoint(runtime);
    }
}
