package io.websockify.standalone;

import io.websockify.config.HostPort;
import io.websockify.config.ProxySettings;
import io.websockify.config.RouteSettings;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code java -jar websockify.jar [options] [source_addr:]source_port target_addr:target_port}: turns the
 * command line into settings (system properties {@code websockify.<name>}) and runs the webapp in embedded Tomcat
 * until SIGTERM or SIGINT.
 *
 * <p>Exit status: 0 after --help and after a signal (sessions are closed with 1001 first); 2 for a wrong command
 * line (usage on stderr); 1 when the port cannot be bound or a setting is bad (the message names the address or
 * the setting).
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** Status the shutdown hook exits with; 0 unless we are exiting because of an error. */
    private static volatile int exitStatus = EXIT_OK;
    private static volatile EmbeddedTomcat server;
    private static volatile Path clientDir;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before anything touches java.util.logging (see CommandLogManager for why).
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", CommandLogManager.class.getName());
        }
        CommandLine cmd;
        try {
            cmd = CommandLine.parse(args);
        } catch (UsageException e) {
            System.err.print(Options.usage());
            System.err.println();
            System.err.println(Options.PROGRAM + ": error: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (cmd.help()) {
            System.out.print(Options.help());
            System.out.flush();
            System.exit(EXIT_OK);
            return;
        }
        cmd.settings().forEach(System::setProperty);
        boolean verbose = cmd.verbose() || verboseFromEnvironment();
        if (cmd.settings().containsKey(CommandLine.NOVNC)) {
            try {
                clientDir = ClientFiles.unpack();
            } catch (StartupException e) {
                System.err.println(Options.PROGRAM + ": " + e.getMessage());
                System.exit(EXIT_FAILED);
                return;
            }
            // The bundled client is served by the same file servlet as --web, without listings.
            System.setProperty(ProxySettings.WEB, clientDir.toString());
            System.setProperty(ProxySettings.FILE_ONLY, "true");
        }
        ConsoleLogging.configure(verbose);

        // SIGTERM/SIGINT run the shutdown hooks; ours stops the container (sessions get 1001) and ends the process
        // with status 0 instead of the JVM's 128+signal, since a requested stop is not a failure.
        Runtime.getRuntime().addShutdownHook(new Thread(Main::shutdown, "websockify-shutdown"));

        ConsoleLogging.StartupLog startupLog = ConsoleLogging.holdDuringStartup();
        try {
            TlsSettings tls;
            try {
                tls = TlsSettings.read(Settings.standard(name -> null), System.getenv(), Path.of(""));
            } catch (SettingException e) {
                throw new StartupException(e.getMessage());
            }
            server = new EmbeddedTomcat(cmd.listen(), tls);
            server.start(startupLog);
            startupLog.release(true);
        } catch (StartupException e) {
            startupLog.release(verbose);
            System.err.println(Options.PROGRAM + ": " + inCommandLineTerms(e.getMessage(), cmd));
            exitStatus = EXIT_FAILED;
            System.exit(EXIT_FAILED);
            return;
        }
        printSettings(System.out, cmd.listen(), server);
        exitWithWrappedProgram(server);
        new CountDownLatch(1).await();
    }

    /**
     * In wrap mode {@code exit}, the command ends when the program does, with the program's own status (upstream
     * always exits 0). The webapp publishes the program's exit as a future of JDK type.
     */
    @SuppressWarnings("unchecked")
    private static void exitWithWrappedProgram(EmbeddedTomcat s) {
        Object exit = s.attribute(io.websockify.wrap.WrappedProgram.EXIT_ATTRIBUTE);
        if (exit instanceof CompletableFuture<?> f) {
            ((CompletableFuture<Integer>) f).thenAccept(status -> {
                // Not on the thread completing the future: the shutdown hook stops the program and joins it.
                Thread t = new Thread(() -> {
                    exitStatus = status;
                    System.exit(status);
                }, "websockify-program-exit");
                t.start();
            });
        }
    }

    /**
     * A setting error names where the value came from; for a value the command line gave, that is the option the
     * user typed rather than the system property it was passed through.
     */
    static String inCommandLineTerms(String message, CommandLine cmd) {
        String result = message;
        for (Option o : Options.ALL) {
            if (o.setting() != null && cmd.settings().containsKey(o.setting())) {
                result = result.replace("(system property " + o.setting() + " = ", "(option --" + o.name() + " = ");
            }
        }
        return result;
    }

    private static boolean verboseFromEnvironment() {
        try {
            return Settings.standard(name -> null).bool(ProxySettings.VERBOSE, false);
        } catch (SettingException e) {
            return false; // the webapp reports the bad value when it starts
        }
    }

    /** Upstream's start-up block, with the port actually bound and the settings the webapp actually uses. */
    static void printSettings(PrintStream out, HostPort listen, EmbeddedTomcat server) {
        HostPort bound = new HostPort(listen.host(), server.localPort());
        ProxySettings s = server.runtime().settings();
        out.println("WebSocket server settings:");
        out.println("  - Listen on " + bound + (listen.host().isEmpty() ? " (all interfaces)" : ""));
        if (s.novnc() && s.web() != null) {
            String host = listen.host().isEmpty() ? "localhost" : bound.toString().substring(0,
                    bound.toString().lastIndexOf(':'));
            out.println("  - noVNC client: http://" + host + ":" + bound.port() + "/vnc.html");
        } else if (s.web() != null) {
            out.println("  - Web server" + (s.fileOnly() ? " (no directory listings)" : "") + ". Web root: " + s.web());
        } else {
            out.println("  - No web server (plain HTTP requests get 405)");
        }
        printTls(out, server.tls());
        out.println("  - WebSocket paths: " + String.join(", ", s.paths())
                + (s.anyPath() ? " (and an upgrade on any other path)" : ""));
        for (RouteSettings route : s.routes()) {
            String which = s.routes().size() == 1 ? "" : " " + String.join(", ", route.paths());
            out.println("  - proxying from " + bound + which + " to " + describeTargets(route));
        }
        out.flush();
    }

    /** Upstream's TLS lines, with what we do differently spelled out. */
    private static void printTls(PrintStream out, TlsSettings tls) {
        if (!tls.enabled()) {
            out.println("  - No SSL/TLS support (no certificate: " + tls.cert() + " not found)");
            return;
        }
        out.println("  - SSL/TLS support: certificate " + tls.cert() + (tls.key() == null ? "" : ", key " + tls.key())
                + ", " + tls.minVersion() + " and up" + (tls.ciphers() == null ? "" : ", ciphers " + tls.ciphers()));
        if (tls.sslOnly()) {
            out.println("  - Deny non-SSL/TLS connections");
        } else {
            out.println("  - ws:// and wss:// on the same port (TLS detected from the first byte)");
        }
        if (tls.verifyClient()) {
            out.println("  - Client certificates required on TLS connections, verified against "
                    + (tls.caFile() == null ? "the JDK's default CAs" : tls.caFile().toString())
                    + (tls.sslOnly() ? "" : "; plain ws:// connections are not asked for one (add --ssl-only)"));
        }
    }

    /** Upstream's wording: {@code host:port}, or the targets a plugin generates. */
    private static String describeTargets(RouteSettings route) {
        if (route.target() != null) {
            return route.target().describe();
        }
        if (route.tokenPlugin() != null) {
            return "targets generated by " + route.tokenPlugin();
        }
        return "the host and port in the path, when allowed by " + route.prefix() + "allow-hosts ("
                + route.allowHosts() + ") and " + route.prefix() + "allow-ports (" + route.allowPorts() + ")";
    }

    private static void shutdown() {
        EmbeddedTomcat s = server;
        if (s != null) {
            s.stop();
        }
        Path dir = clientDir;
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temporary directory; the system cleans it eventually.
            }
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitStatus);
    }
}
