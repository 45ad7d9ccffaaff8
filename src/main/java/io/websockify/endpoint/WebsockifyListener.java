package io.websockify.endpoint;

import io.websockify.auth.AccessGuard;
import io.websockify.config.HostPort;
import io.websockify.config.Engine;
import io.websockify.config.ProxySettings;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import io.websockify.route.Route;
import io.websockify.route.Router;
import io.websockify.target.Target;
import io.websockify.target.TargetTls;
import io.websockify.web.ClientAssets;
import io.websockify.web.MethodNotAllowedServlet;
import io.websockify.web.StaticFileServlet;
import io.websockify.wrap.WrapSettings;
import io.websockify.wrap.WrappedProgram;
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
import java.util.Optional;

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
    private WrappedProgram program;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        ProxySettings settings;
        Router router;
        AccessGuard guard;
        WrappedProgram wrapped = null;
        TargetTls targetTls;
        boolean useBuiltin;
        try {
            Settings raw = Settings.standard(ctx::getInitParameter);
            Optional<WrapSettings> wrap = WrapSettings.from(raw);
            if (wrap.isPresent()) {
                wrapped = new WrappedProgram(wrap.get());   // picks the free port; nothing runs yet
                if (wrapped.target().isPresent()) {
                    raw = withWrappedTarget(raw, wrapped.target().get());
                }
            }
            settings = ProxySettings.from(raw);
            targetTls = TargetTls.from(raw).orElse(null);
            guard = new AccessGuard(settings.access());
            useBuiltin = builtinEngine(settings, getClass().getClassLoader());
            router = Router.create(settings);
        } catch (SettingException e) {
            LOG.log(Level.ERROR, "websockify cannot start: {0}", e.getMessage());
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("websockify cannot start the wrapped program: " + e.getMessage(), e);
        }
        ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            router.close();
            throw new IllegalStateException("websockify needs a container with Jakarta WebSocket 2.1 or later "
                    + "(attribute " + ServerContainer.class.getName() + " is missing)");
        }
        if (wrapped != null) {
            try {
                wrapped.start();
            } catch (IOException e) {
                router.close();
                LOG.log(Level.ERROR, "websockify cannot start: {0}", e.getMessage());
                throw new IllegalStateException("websockify cannot start the wrapped program: " + e.getMessage(), e);
            }
            program = wrapped;
        }
        try {
            runtime = new ProxyRuntime(settings, router, targetTls);
        } catch (IOException e) {
            router.close();
            stopProgram();
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
            stopProgram();
            throw new IllegalStateException("websockify cannot register its WebSocket paths " + settings.paths()
                    + " (setting " + ProxySettings.PATH + "): " + e.getMessage(), e);
        }
        if (wrapped != null) {
            // exit mode: the program is gone for good, so no session may point at its dead port. Sessions are
            // closed before the published future completes, so a launcher that exits on it cannot overtake this.
            ProxyRuntime r = runtime;
            ctx.setAttribute(WrappedProgram.EXIT_ATTRIBUTE, wrapped.exited().thenApply(status -> {
                LOG.log(Level.WARNING, "websockify: wrapped program exited with status {0}; refusing sessions", status);
                r.registry().closeAll(WrappedProgram.closeStatus(status));
                return status;
            }));
        }
        if (!settings.sendTimeout().isZero()) {
            container.setAsyncSendTimeout(settings.sendTimeout().toMillis());
        }
        BuiltinUpgrade builtin = useBuiltin ? new BuiltinUpgrade(runtime) : null;
        LOG.log(Level.INFO, "websockify sessions run on the {0} WebSocket engine",
                builtin != null ? "built-in" : "container's Jakarta");
        UpgradeGate gate = new UpgradeGate(settings, router, guard, runtime.limiter(), container,
                endpointConfig("/", new ProxyConfigurator(runtime, router.fallback())), builtin);
        FilterRegistration.Dynamic f = ctx.addFilter("websockify-upgrade-gate", gate);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        if (settings.novnc()) {
            ClientAssets.register(ctx, settings.paths());
        }
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
            if (targetTls != null && route.settings().target() instanceof Target.Unix) {
                // As upstream: --ssl-target applies to TCP targets only.
                LOG.log(Level.INFO, "websockify: {0}: plain Unix socket, {1} does not apply",
                        route.settings().paths(), TargetTls.SSL_TARGET);
            }
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

    /** Whether the built-in engine carries the sessions; fails when it was asked for on a container without it. */
    private static boolean builtinEngine(ProxySettings settings, ClassLoader loader) {
        boolean available = BuiltinUpgrade.available(loader);
        return switch (settings.engine()) {
            case JAKARTA -> false;
            case AUTO -> available && !settings.permessageDeflate();
            case BUILTIN -> {
                if (!available) {
                    throw new SettingException("Invalid setting " + Engine.SETTING + " = builtin: the built-in "
                            + "engine runs on Tomcat 10.1 or later only; use auto or jakarta on this container");
                }
                yield true;
            }
        };
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
        stopProgram();
    }

    /** The wrapped program on its free loopback port is the default route's target; no other may be named. */
    private static Settings withWrappedTarget(Settings raw, HostPort target) {
        for (String name : List.of(ProxySettings.TARGET, "websockify.unix-target", "websockify.token-plugin",
                "websockify.allow-hosts")) {
            raw.value(name).ifPresent(v -> {
                throw v.invalid("cannot be combined with " + WrapSettings.COMMAND + " when websockify moves the "
                        + "program's port (" + WrapSettings.PORT + " or {port}): the program is the target");
            });
        }
        return raw.with(ProxySettings.TARGET, target.toString());
    }

    private void stopProgram() {
        WrappedProgram p = program;
        program = null;
        if (p != null) {
            p.close();   // blocks up to wrap-stop-timeout + ~5 s
        }
    }
}
