package io.websockify.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Caching and listing policy for the bundled client's static files, in front of whatever servlet serves them.
 *
 * <ul>
 *   <li>{@code /novnc/<version>/...}: the pinned noVNC release never changes under its versioned path, so it is
 *       cached for a year as immutable.</li>
 *   <li>Everything else the filter is mapped to (our page, its script and style, the unversioned
 *       {@code /novnc/rfb.js} entry point): {@code no-cache}, i.e. revalidated on each load, so a redeploy with a
 *       new noVNC or a new page is picked up at once.</li>
 *   <li>A directory under {@code /novnc/} answers 404 whatever the container's listing setting (Jetty lists
 *       directories by default).</li>
 * </ul>
 * WebSocket upgrades pass through untouched. Stateless; safe for concurrent requests.
 */
public final class ClientCacheFilter implements Filter {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    /** {@code /novnc/1.7.0/...}: a version segment right below /novnc/. */
    private static final Pattern VERSIONED = Pattern.compile("^/novnc/\\d+\\.\\d+\\.\\d+[^/]*/.+");

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        String method = request.getMethod();
        if (isWebSocketUpgrade(request) || !("GET".equals(method) || "HEAD".equals(method))) {
            chain.doFilter(req, resp);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.startsWith("/novnc/") && path.endsWith("/") || "/novnc".equals(path)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setHeader("Cache-Control", VERSIONED.matcher(path).matches() ? IMMUTABLE : REVALIDATE);
        chain.doFilter(req, resp);
    }

    /** Other upgrades (h2c) are plain requests here; only WebSocket ones are left alone. */
    private static boolean isWebSocketUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket");
    }
}
