package io.websockify.endpoint;

import io.websockify.auth.AccessGuard;
import io.websockify.config.ProxySettings;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import io.websockify.route.Route;
import io.websockify.route.Router;
import io.websockify.web.MethodNotAllowedServlet;
import io.websockify.web.StaticFileServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.List;

/**
 * Owns the proxy's life in one web application: reads the settings, registers the WebSocket routes and the
 * upgrade gate, serves static files when asked, and on shutdown closes every session with 1001 and stops the
 * I/O threads. A bad setting throws from {@link #contextInitialized}, which fails the deployment with a message
 * naming the setting.
 */
@WebListener
public final class WebsockifyListener implements ServletContextListener {
    private static final Logger LOG = System.getLogger(WebsockifyListener.class.getName());

    /** Context attribute holding the {@link ProxyRuntime} while the application runs. */
    public static final String RUNTIME_ATTRIBUTE = ProxyRuntime.class.getName();

    private ProxyRuntime runtime;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        ProxySettings settings;
        Router router;
        AccessGuard guard;
        try {
            settings = ProxySettings.from(Settings.standard(ctx::getInitParameter));
            guard = new AccessGuard(settings.access());
            router = Router.create(settings);
        } catch (SettingException e) {
            LOG.log(Level.ERROR, "websockify cannot start: {0}", e.getMessage());
            throw e;
        }
        ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            router.close();
            throw new IllegalStateException("websockify needs a container with Jakarta WebSocket 2.1 or later "
                    + "(attribute " + ServerContainer.class.getName() + " is missing)");
        }
        try {
            runtime = new ProxyRuntime(settings, router);
        } catch (IOException e) {
            router.close();
            throw new IllegalStateException("websockify cannot start its I/O threads: " + e.getMessage(), e);
        }
        ctx.setAttribute(RUNTIME_ATTRIBUTE, runtime);
        try {
            for (Route route : router.routes()) {
                ProxyConfigurator configurator = new ProxyConfigurator(runtime, route);
                for (String path : route.settings().paths()) {
                    container.addEndpoint(endpointConfig(path, configurator));
                }
            }
        } catch (DeploymentException e) {
            runtime.close();
            throw new IllegalStateException("websockify cannot register its WebSocket paths " + settings.paths()
                    + " (setting " + ProxySettings.PATH + "): " + e.getMessage(), e);
        }
        if (!settings.sendTimeout().isZero()) {
            container.setAsyncSendTimeout(settings.sendTimeout().toMillis());
        }
        UpgradeGate gate = new UpgradeGate(settings, router, guard, runtime.limiter(), container,
                endpointConfig("/", new ProxyConfigurator(runtime, router.fallback())));
        FilterRegistration.Dynamic f = ctx.addFilter("websockify-upgrade-gate", gate);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        if (settings.web() != null) {
            ServletRegistration.Dynamic s = ctx.addServlet("websockify-web",
                    new StaticFileServlet(settings.web(), !settings.fileOnly()));
            s.addMapping("/");
        } else if (settings.anyPath()) {
            // Standalone without a web root: answer plain requests like upstream websockify.
            ServletRegistration.Dynamic s = ctx.addServlet("websockify-no-web", new MethodNotAllowedServlet());
            s.addMapping("/");
        }
        for (Route route : router.routes()) {
            LOG.log(Level.INFO, "websockify: proxying {0} to {1}", route.settings().paths(), describe(route));
        }
        if (settings.anyPath()) {
            LOG.log(Level.INFO, "websockify: upgrades on any other path use route ''{0}''",
                    router.fallback().settings().name());
        }
    }

    /** Upstream's wording: {@code host:port}, or the targets a plugin generates. */
    static String describe(Route route) {
        var r = route.settings();
        if (r.target() != null) {
            return r.target().describe();
        }
        if (r.tokenPlugin() != null) {
            return "targets generated by " + r.tokenPlugin();
        }
        return "hosts allowed by " + r.prefix() + "allow-hosts (" + r.allowHosts() + ") and ports " + r.allowPorts();
    }

    private static ServerEndpointConfig endpointConfig(String path, ProxyConfigurator configurator) {
        return ServerEndpointConfig.Builder.create(ProxyEndpoint.class, path)
                .subprotocols(List.of(Subprotocol.BINARY.token(), Subprotocol.BASE64.token()))
                .configurator(configurator)
                .build();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ProxyRuntime r = runtime;
        runtime = null;
        if (r != null) {
            LOG.log(Level.INFO, "websockify: stopping, closing {0} session(s)", r.registry().size());
            r.close();
        }
    }
}
