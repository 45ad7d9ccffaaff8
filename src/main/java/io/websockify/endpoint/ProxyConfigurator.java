package io.websockify.endpoint;

import io.websockify.route.ConnectionRequest;
import io.websockify.route.Route;
import io.websockify.route.RouteOutcome;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Handshake policy of the proxy endpoint: picks the subprotocol, declines permessage-deflate unless enabled, and
 * hands what the upgrade gate learned to the session. Creates one {@link ProxyEndpoint} per session.
 * Where the container skipped the gate (Jetty), it resolves the route's target itself; a refusal then reaches
 * the client as a close code right after the upgrade.
 */
final class ProxyConfigurator extends ServerEndpointConfig.Configurator {
    /** User-property key of a {@link RouteOutcome.Refused} found without the gate. */
    static final String REFUSED_KEY = RouteOutcome.Refused.class.getName();

    private final ProxyRuntime runtime;
    private final Route route;

    ProxyConfigurator(ProxyRuntime runtime, Route route) {
        this.runtime = runtime;
        this.route = route;
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
            String path = request.getRequestURI() == null ? "?" : request.getRequestURI().getPath();
            Map<String, String> params = new HashMap<>();
            request.getParameterMap().forEach((k, v) -> {
                if (!v.isEmpty()) {
                    params.putIfAbsent(k, v.get(0));
                }
            });
            // Query parameters are in the map too: the token then comes from the path or the query alike.
            String user = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
            List<String> cookies = request.getHeaders().getOrDefault("Cookie", List.of());
            List<String> host = request.getHeaders().getOrDefault("Host", List.of());
            ConnectionRequest cr = new ConnectionRequest(path, params, request.getQueryString(), cookies,
                    host.isEmpty() ? null : host.get(0), user, "unknown");
            RouteOutcome o = route.resolve(cr);
            if (o instanceof RouteOutcome.Refused refused) {
                sec.getUserProperties().put(REFUSED_KEY, refused);
                return;
            }
            RouteOutcome.Resolved r = (RouteOutcome.Resolved) o;
            info = new HandshakeInfo("unknown", sec.getPath(), r.target(), r.tokenLabel(), user, () -> { });
        }
        sec.getUserProperties().put(HandshakeInfo.KEY, info);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return (T) new ProxyEndpoint(runtime);
    }
}
