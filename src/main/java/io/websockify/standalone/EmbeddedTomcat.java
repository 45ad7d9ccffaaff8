package io.websockify.standalone;

import io.websockify.config.Engine;
import io.websockify.config.HostPort;
import io.websockify.config.SettingException;
import io.websockify.endpoint.ProxyRuntime;
import io.websockify.endpoint.WebsockifyListener;
import io.websockify.web.MimeTypes;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Embedded Tomcat 11 running the websockify webapp at the root context, configured by the same
 * {@link WebsockifyListener} the WAR uses (it reads the settings the launcher put into system properties).
 * Tomcat's work files live in a temporary directory that {@link #stop()} removes.
 */
final class EmbeddedTomcat {
    private final HostPort listen;
    private final Tomcat tomcat;
    private final Connector connector;
    private final Context context;
    private final Path baseDir;
    private final TlsSettings tls;
    private boolean stopped;

    /**
     * Sets the container up to listen on {@code listen} (empty host: all interfaces; port 0: any free port), with
     * TLS on the same port when {@code tls} is enabled.
     */
    EmbeddedTomcat(HostPort listen, TlsSettings tls) throws StartupException {
        this.listen = listen;
        this.tls = tls;
        InetAddress address = resolve(listen);
        Path base;
        Path docBase;
        try {
            base = Files.createTempDirectory("websockify-tomcat-");
            docBase = Files.createDirectory(base.resolve("root"));
        } catch (IOException e) {
            throw new StartupException("cannot create a temporary directory for the container: " + e.getMessage());
        }
        this.baseDir = base;
        this.tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());

        // Without a certificate, Tomcat's stock HTTP connector: the port is exactly what it is without TLS support.
        try {
            this.connector = tls.enabled() ? TlsConnector.create(tls, base) : new Connector("HTTP/1.1");
        } catch (StartupException e) {
            deleteTree(base);
            throw e;
        }
        connector.setPort(listen.port());
        if (address != null) {
            connector.setProperty("address", address.getHostAddress());
        }
        // A port that cannot be bound must fail the start, not leave a server that listens nowhere.
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);
        if (tls.enabled()) {
            tomcat.getEngine().getPipeline().addValve(new ConnectionSchemeValve());
        }

        // Plain error responses without Tomcat's version or stack traces.
        ErrorReportValve errors = new ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);
        tomcat.getHost().setAutoDeploy(false);

        this.context = tomcat.addContext("", docBase.toString());
        if (context instanceof StandardContext standard) {
            // One application per JVM: leak detection at stop only warns about JDK internals it cannot open.
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        Tomcat.addDefaultMimeTypeMappings(context);
        MimeTypes.WEB.forEach(context::addMimeMapping);
        context.addServletContainerInitializer(new WsSci(), null);
        context.addApplicationListener(WebsockifyListener.class.getName());
        // The webapp validates websockify.handshake-timeout; the connector, which starts after the webapp, applies
        // it as the time a new connection has to send its request.
        context.addLifecycleListener(event -> {
            if (Lifecycle.AFTER_START_EVENT.equals(event.getType()) && runtime() != null) {
                long millis = runtime().settings().limits().handshakeTimeout().toMillis();
                connector.setProperty("connectionTimeout", Long.toString(Math.min(millis, Integer.MAX_VALUE)));
                // Tomcat's default of 8,192 connections would cap sessions below websockify.max-sessions; the
                // margin leaves room for plain HTTP requests and refused upgrades (503) at the limit.
                long sessions = runtime().settings().limits().maxSessions();
                connector.setProperty("maxConnections", Long.toString(Math.min(sessions + 256L, Integer.MAX_VALUE)));
                if (runtime().settings().engine() != Engine.JAKARTA && !runtime().settings().permessageDeflate()) {
                    // Every connection keeps these two buffers for its lifetime. The built-in WebSocket engine reads
                    // and writes around them, straight from and into its pooled buffers, so here they only stage
                    // requests and small frames: 2 KiB instead of 8 each keeps an idle session small.
                    connector.setProperty("socket.appReadBufSize", "2048");
                    connector.setProperty("socket.appWriteBufSize", "2048");
                }
            }
        });
    }

    /**
     * Starts the container. Throws with a message naming the address when it cannot be bound, and with the
     * webapp's own message (a bad setting names the setting) when the webapp fails to start; the container is
     * stopped then. {@code log} holds what the container logged meanwhile, to explain a failure.
     */
    synchronized void start(ConsoleLogging.StartupLog log) throws StartupException {
        if (stopped) {
            throw new StartupException("stopped before it started");
        }
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            stop();
            throw new StartupException(explainStartFailure(listen, e, log.thrown()));
        }
        if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() <= 0) {
            stop();
            throw new StartupException(explainStartFailure(listen, null, log.thrown()));
        }
        if (context.getState() != LifecycleState.STARTED) {
            // Tomcat turns an exception from a listener into a log record and a stopped context.
            stop();
            throw new StartupException(explainContextFailure(log.thrown()));
        }
    }

    private static InetAddress resolve(HostPort listen) throws StartupException {
        if (listen.host().isEmpty()) {
            return null;
        }
        try {
            return InetAddress.getByName(listen.host());
        } catch (UnknownHostException e) {
            throw new StartupException("Cannot listen on " + listen + ": unknown host " + listen.host());
        }
    }

    private static String explainStartFailure(HostPort listen, Throwable thrown, List<Throwable> logged) {
        List<Throwable> all = new ArrayList<>(logged);
        if (thrown != null) {
            all.add(0, thrown);
        }
        String where = listen.host().isEmpty() ? "all interfaces, port " + listen.port() : listen.toString();
        for (Throwable t : all) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof BindException) {
                    return "Cannot listen on " + where + ": " + c.getMessage();
                }
            }
        }
        Throwable root = all.isEmpty() ? null : rootCause(all.get(0));
        return "Cannot listen on " + where + (root == null ? "" : ": " + root);
    }

    private static String explainContextFailure(List<Throwable> logged) {
        for (Throwable t : logged) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof SettingException) {
                    return c.getMessage();
                }
            }
        }
        return logged.isEmpty()
                ? "the websockify web application failed to start (run with -v for the container's log)"
                : "the websockify web application failed to start: " + rootCause(logged.get(0));
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** The TLS settings the port was set up with. */
    TlsSettings tls() {
        return tls;
    }

    /** The port actually bound (the one asked for, or the one chosen for port 0). */
    int localPort() {
        return connector.getLocalPort();
    }

    /** A servlet context attribute the webapp published, or null. */
    Object attribute(String name) {
        return context.getServletContext().getAttribute(name);
    }

    /** The running proxy, as the webapp published it. */
    ProxyRuntime runtime() {
        return (ProxyRuntime) context.getServletContext().getAttribute(WebsockifyListener.RUNTIME_ATTRIBUTE);
    }

    /**
     * Stops the container: the webapp closes every session with 1001 and releases the targets, then the port is
     * closed and the temporary directory removed. Safe to call more than once and from any thread.
     */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.stop();
            }
            tomcat.destroy();
        } catch (LifecycleException e) {
            System.getLogger(EmbeddedTomcat.class.getName()).log(Level.WARNING, "stopping the container: " + e, e);
        }
        deleteTree(baseDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(EmbeddedTomcat.class.getName())
                    .log(Level.DEBUG, "could not remove " + dir + ": " + e.getMessage());
        }
    }
}
