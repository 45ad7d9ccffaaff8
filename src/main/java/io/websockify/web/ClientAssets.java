package io.websockify.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

import java.util.EnumSet;
import java.util.List;

/**
 * Wires the bundled VNC page ({@code vnc.html} and noVNC under {@code /novnc/}) into a web application: the
 * {@link ClientConfigServlet} that tells the page its WebSocket route, and the {@link ClientCacheFilter} that sets
 * caching headers and refuses directory listings. The files themselves are served by the container's default
 * servlet (WAR) or by the standalone command's file servlet.
 */
public final class ClientAssets {
    /** URL patterns of the page's own files and of noVNC. */
    static final String[] CLIENT_PATTERNS = {"/novnc/*", "/index.html", "/vnc.html", "/vnc.js", "/vnc.css"};

    private ClientAssets() {
    }

    /**
     * Registers the servlet and filter. Call from {@code ServletContextListener.contextInitialized}.
     *
     * @param ctx        the application being started
     * @param routePaths the WebSocket route paths ({@code websockify.path}); the page uses the first
     */
    public static void register(ServletContext ctx, List<String> routePaths) {
        ServletRegistration.Dynamic config = ctx.addServlet("websockify-client-config",
                new ClientConfigServlet(routePaths.get(0)));
        config.addMapping(ClientConfigServlet.MAPPING);
        FilterRegistration.Dynamic cache = ctx.addFilter("websockify-client-cache", new ClientCacheFilter());
        cache.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, CLIENT_PATTERNS);
        // Jetty's default servlet lists directories unless told otherwise; other containers ignore the name.
        ctx.setInitParameter("org.eclipse.jetty.servlet.Default.dirAllowed", "false");
    }
}
