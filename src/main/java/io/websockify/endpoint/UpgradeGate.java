package io.websockify.endpoint;

import io.websockify.config.PathTemplate;
import io.websockify.config.ProxySettings;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Servlet filter in front of the WebSocket upgrade of our routes. It answers the handshakes the WebSocket API
 * cannot refuse with a proper status (HTTP 400 for Hixie-75/76 requests and for offered subprotocols that are all
 * unknown), records the client address for the session, and, when {@code websockify.any-path} is on, upgrades
 * requests on every other path too.
 *
 * <p>Runs before the container's own WebSocket filter on Tomcat, WildFly and Payara; Jetty 12 bypasses
 * application filters for upgrades, so there the container's defaults apply.
 */
public final class UpgradeGate implements Filter {
    private final ProxySettings settings;
    private final List<PathTemplate> routes;
    private final ServerContainer container;
    private final ServerEndpointConfig anyPathConfig;

    UpgradeGate(ProxySettings settings, List<PathTemplate> routes, ServerContainer container,
                ServerEndpointConfig anyPathConfig) {
        this.settings = settings;
        this.routes = routes;
        this.container = container;
        this.anyPathConfig = anyPathConfig;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        if (!isUpgrade(request) || !"GET".equals(request.getMethod())) {
            chain.doFilter(req, resp);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean routed = routes.stream().anyMatch(t -> t.match(path) != null);
        if (!routed && !settings.anyPath()) {
            chain.doFilter(req, resp);
            return;
        }
        if (request.getHeader("Sec-WebSocket-Version") == null) {
            // Hixie-75/76 handshakes carry no version; no Jakarta container can speak them.
            reject(response, 400, "Missing Sec-WebSocket-Version header (Hixie-75/76 WebSockets are not supported)");
            return;
        }
        List<String> offered = Subprotocol.offered(request.getHeaders("Sec-WebSocket-Protocol"));
        if (Subprotocol.choose(offered) == null) {
            reject(response, 400, "Invalid protocol selected: this server speaks 'binary' or 'base64', or none");
            return;
        }
        String client = hostPort(request.getRemoteAddr(), request.getRemotePort());
        HandshakeInfo info = new HandshakeInfo(client, path, settings.target());
        info.bind();
        try {
            if (routed) {
                chain.doFilter(req, resp);
            } else {
                container.upgradeHttpToWebSocket(request, response, anyPathConfig, Map.of());
            }
        } catch (jakarta.websocket.DeploymentException e) {
            throw new ServletException(e);
        } finally {
            HandshakeInfo.clear();
        }
    }

    static boolean isUpgrade(HttpServletRequest request) {
        var values = request.getHeaders("Upgrade");
        while (values != null && values.hasMoreElements()) {
            for (String token : values.nextElement().split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String hostPort(String host, int port) {
        return (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
