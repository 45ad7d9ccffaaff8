package io.websockify.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running proxy: started on a free loopback port through {@code bash -c 'ulimit -n ...; exec ...'} (so it
 * gets as many descriptors as this machine allows and keeps the PID), ready once an echo passes through it, and
 * stopped by PID with its descendants.
 */
final class ProxyProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Raise the soft descriptor limit as far as allowed: 65536 where permitted, else the hard limit. */
    static final String RAISE_FD_LIMIT = "ulimit -n 65536 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec \"$@\"";

    final ProxyKind kind;
    private final Process process;
    private final InetSocketAddress address;
    private final String protocol;
    private final Path log;

    private ProxyProcess(ProxyKind kind, Process process, InetSocketAddress address, String protocol, Path log) {
        this.kind = kind;
        this.process = process;
        this.address = address;
        this.protocol = protocol;
        this.log = log;
    }

    static ProxyProcess start(ProxyKind kind, BenchOptions o, int targetPort, List<String> extraJvm)
            throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", RAISE_FD_LIMIT, "bash"));
        cmd.addAll(kind.command(o, port, targetPort, extraJvm));
        Path log = o.outDir().resolve("logs").resolve(kind.label + "-" + COUNTER.incrementAndGet() + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        Reaper.register(p);
        ProxyProcess pp = new ProxyProcess(kind, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                o.protocol(), log);
        try {
            pp.awaitReady(o.startTimeoutSeconds() * 1000L);
        } catch (IOException e) {
            pp.close();
            throw e;
        }
        return pp;
    }

    private void awaitReady(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label + " exited with " + process.exitValue() + " at start; see " + log);
            }
            try {
                probe();
                return;
            } catch (IOException e) {
                last = e;
                Reaper.sleepQuietly(100);
            }
        }
        throw new IOException(kind.label + " not ready after " + millis + " ms (" + last + "); see " + log);
    }

    /** One echo of a few bytes through a fresh session; throws if anything is wrong. */
    @SuppressWarnings("try") // the watchdog guard only needs closing
    void probe() throws IOException {
        try (Link link = open(4096); Watchdog.Guard g = Watchdog.guard(link, 5000)) {
            link.send(new TargetRequest(TargetRequest.Mode.ECHO, 1, -1).encode());
            Pattern.Checker c = new Pattern.Checker(7);
            link.send(Pattern.slice(7, 0, 8));
            link.receiveExactly(8, c::accept);
            if (!c.ok() || c.bytes() != 8) {
                throw new IOException("echo came back wrong");
            }
            link.finish();
        }
    }

    /** A new client connection (WebSocket or raw, as the proxy speaks). */
    Link open(int bufferSize) throws IOException {
        return kind.websocket ? WsLink.open(address, "/websockify", protocol, bufferSize)
                : RawLink.open(address, bufferSize);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        Reaper.stop(process);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
