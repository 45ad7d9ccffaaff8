package io.websockify.endpoint;

import io.websockify.auth.AccessGuard;
import io.websockify.auth.AuthException;
import io.websockify.config.ProxySettings;
import io.websockify.route.ConnectionRequest;
import io.websockify.route.Route;
import io.websockify.route.RouteOutcome;
import io.websockify.route.Router;
import io.websockify.websocket.OpeningHandshake;
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
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Servlet filter in front of the WebSocket upgrade of our routes: handshake → route → resolve target. It answers
 * what the WebSocket API cannot refuse with a proper status (HTTP 400 for Hixie-75/76 requests and for offered
 * subprotocols that are all unknown; 404 for a missing or unknown token, 403 for a target outside the
 * allow-list, 503 when the token source cannot answer), so no target is contacted for a refused request. It
 * hands the resolved target and the client address to the session, and, when {@code websockify.any-path} is on,
 * upgrades requests on every other path too (with the first route).
 *
 * <p>With the built-in engine ({@code websockify.engine}) the gate performs the upgrade itself; otherwise the
 * container's Jakarta WebSocket does.
 *
 * <p>Runs before the container's own WebSocket filter on Tomcat, WildFly and Payara; Jetty 12 bypasses
 * application filters for upgrades, so there the container's defaults apply.
 */
public final class UpgradeGate implements Filter {
    private static final Logger LOG = System.getLogger(UpgradeGate.class.getName());

    private final ProxySettings settings;
    private final Router router;
    private final AccessGuard guard;
    private final SessionLimiter limiter;
    private final ServerContainer container;
    private final ServerEndpointConfig anyPathConfig;
    private final BuiltinUpgrade builtin;

    /** @param builtin the built-in engine, or null to let the container's Jakarta WebSocket carry sessions */
    UpgradeGate(ProxySettings settings, Router router, AccessGuard guard, SessionLimiter limiter,
                ServerContainer container, ServerEndpointConfig anyPathConfig, BuiltinUpgrade builtin) {
        this.settings = settings;
        this.router = router;
        this.guard = guard;
        this.limiter = limiter;
        this.container = container;
        this.anyPathConfig = anyPathConfig;
        this.builtin = builtin;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        if (!isUpgrade(request) || !"GET".equals(request.getMethod())) {
            if (guard.guardsPlainRequests()) {
                try {
                    guard.checkPlain(request);
                } catch (AuthException e) {
                    refuse(request, request.getRequestURI(), response, e);
                    return;
                }
            }
            chain.doFilter(req, resp);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Router.Match match = router.match(path);
        if (match == null && !settings.anyPath()) {
            chain.doFilter(req, resp);
            return;
        }
        if (request.getHeader("Sec-WebSocket-Version") == null) {
            // Hixie-75/76 handshakes carry no version; no Jakarta container can speak them.
            reject(response, 400, "Missing Sec-WebSocket-Version header (Hixie-75/76 WebSockets are not supported)");
            return;
        }
        OpeningHandshake.Refusal bad = OpeningHandshake.check(request.getHeader("Sec-WebSocket-Key"),
                request.getHeaders("Connection"), request.getHeader("Sec-WebSocket-Version"));
        if (bad != null) {
            if (bad.status() == 426) {
                response.setHeader("Sec-WebSocket-Version", "13");
            }
            reject(response, bad.status(), bad.message());
            return;
        }
        List<String> offered = Subprotocol.offered(request.getHeaders("Sec-WebSocket-Protocol"));
        Subprotocol mode = Subprotocol.choose(offered);
        if (mode == null) {
            reject(response, 400, "Invalid protocol selected: this server speaks 'binary' or 'base64', or none");
            return;
        }
        // Logs name the route's template, not the path: a path parameter may be a token.
        String logPath = match != null ? match.template().toString() : path;
        try {
            guard.checkUpgrade(request);
        } catch (AuthException e) {
            refuse(request, logPath, response, e);
            return;
        }
        String client = hostPort(request.getRemoteAddr(), request.getRemotePort());
        String user = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
        String[] why = new String[1];
        SessionLimiter.Slot slot = limiter.acquire(String.valueOf(request.getRemoteAddr()), why);
        if (slot == null) {
            LOG.log(Level.WARNING, "{0}: refused upgrade on {1}: 503 ({2})", client, logPath, why[0]);
            response.setHeader("Retry-After", "10");
            reject(response, 503, "Too many sessions: " + why[0]);
            return;
        }
        boolean upgraded = false;
        try {
            Route route = match != null ? match.route() : router.fallback();
            ConnectionRequest cr = new ConnectionRequest(path, match != null ? match.params() : Map.of(),
                    request.getQueryString(), Collections.list(request.getHeaders("Cookie")),
                    request.getHeader("Host"), user, client);
            RouteOutcome outcome = route.resolve(cr);
            if (outcome instanceof RouteOutcome.Refused refused) {
                LOG.log(refused.status() == 503 ? Level.WARNING : Level.INFO,
                        "{0}: refused upgrade on {1}: {2} ({3})", client, logPath, refused.status(), refused.detail());
                reject(response, refused.status(), refused.message());
                return;
            }
            RouteOutcome.Resolved resolved = (RouteOutcome.Resolved) outcome;
            HandshakeInfo info = new HandshakeInfo(client, logPath, resolved.target(), resolved.tokenLabel(), user,
                    slot::release);
            if (builtin != null) {
                builtin.upgrade(request, response, info, mode);
            } else {
                upgrade(info, match != null, request, response, chain);
            }
            // From 101 on, the session owns the slot and gives it back when it ends.
            upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            if (!upgraded) {
                slot.release();
            }
        }
    }

    /** Lets the container upgrade (our registered path) or upgrades an unregistered path ourselves. */
    private void upgrade(HandshakeInfo info, boolean registered, HttpServletRequest request,
                         HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        info.bind();
        try {
            if (registered) {
                chain.doFilter(request, response);
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

    private static void refuse(HttpServletRequest request, String logPath, HttpServletResponse response,
                               AuthException e) throws IOException {
        LOG.log(Level.INFO, "{0}: refused {1} {2}: {3} {4}", request.getRemoteAddr(), request.getMethod(),
                logPath, e.status(), e.getMessage());
        e.headers().forEach(response::setHeader);
        reject(response, e.status(), e.getMessage());
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
