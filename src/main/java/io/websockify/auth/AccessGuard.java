package io.websockify.auth;

import io.websockify.config.Access;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The checks in front of every session (and of static files with {@code websockify.web-auth}): the Origin
 * allow-list against cross-site WebSocket hijacking, the container roles, and the auth plugin. Thread-safe.
 */
public final class AccessGuard {
    private final Access access;
    private final AuthPlugin plugin;

    public AccessGuard(Access access) {
        this.access = access;
        this.plugin = access.authPlugin() == null ? null : AuthPlugins.create(access.authPlugin(), access.authSource());
    }

    public boolean guardsPlainRequests() {
        return access.webAuth();
    }

    /** Checks an upgrade request; throws with the status to answer. */
    public void checkUpgrade(HttpServletRequest request) throws AuthException {
        checkOrigin(request);
        checkUser(request);
    }

    /** Checks a plain HTTP request (static files) when web-auth is on. */
    public void checkPlain(HttpServletRequest request) throws AuthException {
        checkUser(request);
    }

    private void checkUser(HttpServletRequest request) throws AuthException {
        if (!access.allowedRoles().isEmpty()) {
            if (request.getUserPrincipal() == null) {
                throw new AuthException(403, "Forbidden: log in first (a role is required)");
            }
            if (access.allowedRoles().stream().noneMatch(request::isUserInRole)) {
                throw new AuthException(403, "Forbidden: your account lacks the role for this service");
            }
        }
        if (plugin != null) {
            X509Certificate[] chain = (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
            String user = request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
            plugin.authenticate(new AuthRequest(name -> Collections.list(request.getHeaders(name)),
                    chain == null || chain.length == 0 ? null : chain[0], user, request.getRemoteAddr(), null));
        }
    }

    /**
     * Browsers always send {@code Origin} on WebSocket upgrades, so a missing header means a non-browser client,
     * which cannot be hijacked with a user's cookies, and is allowed.
     */
    void checkOrigin(HttpServletRequest request) throws AuthException {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return;
        }
        List<String> allowed = access.allowedOrigins();
        if (allowed.contains("*") || allowed.contains(origin)) {
            return;
        }
        if (allowed.contains(Access.SAME_ORIGIN) && sameOrigin(origin, request)) {
            return;
        }
        throw new AuthException(403, "Invalid Origin");
    }

    /** The page's origin names the host and port the browser connected to (the Host header). */
    static boolean sameOrigin(String origin, HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null) {
            return false;
        }
        try {
            URI o = new URI(origin);
            if (o.getHost() == null || o.getScheme() == null) {
                return false;
            }
            String scheme = o.getScheme().toLowerCase(Locale.ROOT);
            int port = o.getPort() != -1 ? o.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            URI h = new URI(scheme + "://" + host);
            int hostPort = h.getPort() != -1 ? h.getPort() : request.isSecure() ? 443 : 80;
            return o.getHost().equalsIgnoreCase(h.getHost()) && port == hostPort;
        } catch (Exception e) {
            return false;
        }
    }
}
