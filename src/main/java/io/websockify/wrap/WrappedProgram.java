package io.websockify.wrap;

import io.websockify.bridge.CloseStatus;
import io.websockify.config.HostPort;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts, supervises and stops the program behind the proxy (upstream's "wrap mode").
 *
 * <p>Life cycle: the constructor picks the free loopback port (so {@link #target()} is known before anything
 * runs); {@link #start()} starts the program and a supervisor thread; {@link #close()} stops the program and
 * everything it started that is still its descendant (SIGTERM, then SIGKILL after
 * {@link WrapSettings#stopTimeout()}), waits for them, stops the output pump and deletes the extracted library.
 * A JVM shutdown hook calls {@link #close()} as a backstop until {@link #close()} has run.
 *
 * <p>The program is started directly (no shell) with the inherited environment plus
 * {@link WrapSettings#environment()}; stdin is at end of file; stdout and stderr go to the log
 * ({@code io.websockify.wrap.output}, INFO), line by line, prefixed with {@code [name pid]}. Its port is moved
 * one of two ways:
 * <ul>
 *   <li>{@code {port}} in an argument or an environment value is replaced by the free port; nothing is preloaded
 *       (works for static binaries and on every OS);</li>
 *   <li>otherwise, with {@link WrapSettings#port()} set, {@code librebind.so} is preloaded with
 *       {@code REBIND_OLD_PORT}={@code port} and {@code REBIND_NEW_PORT}={@code free port}.</li>
 * </ul>
 *
 * <p>When the program ends on its own: in {@link WrapMode#EXIT} mode {@link #exited()} completes with its exit
 * status (128 + signal number when a signal killed it), on the supervisor thread; in {@link WrapMode#IGNORE}
 * mode that is only logged; in {@link WrapMode#RESPAWN} mode it is started again as {@link RespawnThrottle}
 * allows. A program that daemonises (forks, and the parent exits) leaves the process tree: websockify neither
 * sees nor stops the daemon, which stays under its own management, as with upstream.
 *
 * <p>Thread-safe: all methods may be called from any thread.
 */
public final class WrappedProgram implements AutoCloseable {
    private static final Logger LOG = System.getLogger(WrappedProgram.class.getName());

    /**
     * Servlet-context attribute under which the listener publishes {@link #exited()}, a JDK type so that a launcher
     * in another class loader (the standalone command) can wait for it.
     */
    public static final String EXIT_ATTRIBUTE = "io.websockify.wrap.exit";

    /** How many recent starts {@link #starts()} keeps. */
    static final int START_HISTORY = 16;

    /** One start of the program. {@code nanoTime} is {@link System#nanoTime()} just before the process was created. */
    public record Start(long pid, long nanoTime) { }

    private final WrapSettings settings;
    private final int freePort;
    private final String name;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final RespawnThrottle throttle = new RespawnThrottle();

    private final Object lock = new Object();
    // Guarded by lock.
    private boolean started;
    private boolean stopping;
    private Process process;
    private OutputPump pump;
    private RebindLibrary library;
    private Thread supervisor;
    private Thread shutdownHook;
    private Integer exitStatus;
    private final Deque<Start> starts = new ArrayDeque<>();

    /**
     * Prepares the program without starting it: picks the free loopback port when the settings move the port.
     *
     * @throws IOException when no free loopback port can be found
     */
    public WrappedProgram(WrapSettings settings) throws IOException {
        this.settings = settings;
        this.freePort = settings.movesPort() ? FreePort.pick() : 0;
        this.name = settings.programName();
    }

    /**
     * Where the proxy reaches the program: {@code 127.0.0.1:<free port>} when the port is moved, empty otherwise
     * (the program listens where it wants and {@code websockify.target} says where).
     */
    public Optional<HostPort> target() {
        return freePort == 0 ? Optional.empty() : Optional.of(new HostPort("127.0.0.1", freePort));
    }

    public WrapSettings settings() {
        return settings;
    }

    /**
     * Starts the program and its supervision. Call once.
     *
     * @throws IOException when the program cannot be started (not found, not executable, bad directory) or the
     *                     port-moving library is missing; the message names the setting to fix
     */
    public void start() throws IOException {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            if (stopping) {
                throw new IllegalStateException("closed");
            }
            if (freePort != 0 && !settings.usesPlaceholder()) {
                library = RebindLibrary.extract();
            }
            try {
                launch();
            } catch (IOException e) {
                if (library != null) {
                    library.close();
                    library = null;
                }
                throw new IOException("cannot start " + WrapSettings.COMMAND + " " + settings.command() + ": "
                        + e.getMessage(), e);
            }
            supervisor = new Thread(this::supervise, "websockify-wrap-" + name);
            supervisor.setDaemon(true);
            supervisor.start();
            shutdownHook = new Thread(this::close, "websockify-wrap-stop-" + name);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Completes with the program's exit status when it ends in {@code exit} mode; cancelled by {@link #close()}. */
    public CompletableFuture<Integer> exited() {
        return exited;
    }

    /** The exit status once the program has ended in {@code exit} mode. */
    public OptionalInt exitStatus() {
        synchronized (lock) {
            return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
        }
    }

    /** True while the program's process (the latest one, in respawn mode) is alive and not being stopped. */
    public boolean running() {
        synchronized (lock) {
            return !stopping && process != null && process.isAlive();
        }
    }

    /** PID of the latest process, if one was started. */
    public OptionalLong pid() {
        synchronized (lock) {
            return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
        }
    }

    /** The most recent starts, oldest first (at most {@value #START_HISTORY}). */
    public List<Start> starts() {
        synchronized (lock) {
            return List.copyOf(starts);
        }
    }

    /** The close status for sessions once the program has exited in {@code exit} mode (1011, with the status). */
    public static CloseStatus closeStatus(int status) {
        return new CloseStatus(1011, "Wrapped program exited (status " + status + ")");
    }

    /**
     * Stops the program and its descendants and waits for them; idempotent. Blocks for at most the stop timeout
     * plus a few seconds.
     */
    @Override
    public void close() {
        Process p;
        OutputPump out;
        Thread sup;
        Thread hook;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            lock.notifyAll();
            p = process;
            out = pump;
            sup = supervisor;
            hook = shutdownHook;
        }
        if (p != null) {
            boolean wasAlive = p.isAlive();
            ProcessTree.terminate(p.toHandle(), settings.stopTimeout(), label(p));
            try {
                // The JVM reaps its own child; waiting here means no zombie remains when close() returns.
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (wasAlive) {
                LOG.log(Level.INFO, "{0}: stopped ({1})", label(p), describe(exitValue(p)));
            }
        }
        if (sup != null && sup != Thread.currentThread()) {
            join(sup, 2000);
        }
        if (out != null && !out.stop(1000)) {
            LOG.log(Level.DEBUG, "{0}: output still held open by a process outside the tree (a daemon?)", name);
        }
        synchronized (lock) {
            if (library != null) {
                library.close();
                library = null;
            }
        }
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down already; the hook is running or done.
            }
        }
        exited.cancel(false);
    }

    // ---------------------------------------------------------------- supervision

    private void supervise() {
        while (true) {
            Process p;
            synchronized (lock) {
                p = process;
            }
            int status = waitFor(p);
            synchronized (lock) {
                if (stopping) {
                    return;
                }
            }
            switch (settings.mode()) {
                case EXIT -> {
                    LOG.log(Level.WARNING, "{0}: exited ({1}); mode exit: the proxy stops", label(p), describe(status));
                    synchronized (lock) {
                        exitStatus = status;
                    }
                    exited.complete(status);
                    return;
                }
                case IGNORE -> {
                    LOG.log(Level.INFO, "{0}: exited or daemonised ({1}); mode ignore: carrying on", label(p),
                            describe(status));
                    return;
                }
                case RESPAWN -> {
                    LOG.log(Level.WARNING, "{0}: exited ({1}); respawning", label(p), describe(status));
                    if (!respawn()) {
                        return;
                    }
                }
            }
        }
    }

    /** Waits as the throttle demands, then starts the program again; false once stopping. */
    private boolean respawn() {
        boolean warned = false;
        synchronized (lock) {
            while (true) {
                long wait = throttle.waitNanos(System.nanoTime());
                while (!stopping && wait > 0) {
                    if (!warned) {
                        LOG.log(Level.WARNING, "{0}: respawning too fast; next start in {1} s", name,
                                Math.round(wait / 1e8) / 10.0);
                        warned = true;
                    }
                    try {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                    wait = throttle.waitNanos(System.nanoTime());
                }
                if (stopping) {
                    return false;
                }
                try {
                    launch();
                    return true;
                } catch (IOException e) {
                    LOG.log(Level.ERROR, "{0}: cannot start {1}: {2}", name, settings.command(), e.getMessage());
                }
            }
        }
    }

    /** Starts one process; caller holds lock. Every attempt counts for the throttle, failed ones too. */
    private void launch() throws IOException {
        String port = Integer.toString(freePort);
        List<String> command = new ArrayList<>();
        for (String arg : settings.command()) {
            command.add(freePort == 0 ? arg : arg.replace(WrapSettings.PLACEHOLDER, port));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (settings.directory() != null) {
            pb.directory(settings.directory().toFile());
        }
        Map<String, String> env = pb.environment();
        // Secrets meant for websockify itself stay with it.
        env.keySet().removeIf(k -> k.equals("WEBSOCKIFY_KEY_PASSWORD") || k.equals("WEBSOCKIFY_SSL_TARGET_TRUST_PASSWORD"));
        settings.environment().forEach((k, v) -> env.put(k, freePort == 0 ? v : v.replace(WrapSettings.PLACEHOLDER, port)));
        if (library != null) {
            env.put("LD_PRELOAD", library.preload(env.get("LD_PRELOAD")));
            env.put(RebindLibrary.OLD_PORT_VARIABLE, Integer.toString(settings.port()));
            env.put(RebindLibrary.NEW_PORT_VARIABLE, port);
        }
        long t = System.nanoTime();
        throttle.started(t);
        Process p = pb.start();
        p.getOutputStream().close();
        process = p;
        starts.addLast(new Start(p.pid(), t));
        if (starts.size() > START_HISTORY) {
            starts.removeFirst();
        }
        pump = OutputPump.start(p.getInputStream(), name, p.pid());
        String where = freePort == 0 ? ""
                : library != null ? "; its port " + settings.port() + " is moved to 127.0.0.1:" + port
                : "; it gets port " + port;
        LOG.log(Level.INFO, "{0}: started {1}{2}", label(p), command, where);
    }

    // ---------------------------------------------------------------- helpers

    private String label(Process p) {
        return name + " (pid " + p.pid() + ")";
    }

    private static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // Only close() ends supervision, by ending the process; keep waiting.
                Thread.interrupted();
            }
        }
    }

    private static int exitValue(Process p) {
        try {
            return p.exitValue();
        } catch (IllegalThreadStateException e) {
            return -1;
        }
    }

    private static String describe(int status) {
        if (status < 0) {
            return "still running";
        }
        return status > 128 && status < 160 ? "status " + status + ", signal " + (status - 128) : "status " + status;
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
