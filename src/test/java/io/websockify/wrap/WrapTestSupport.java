package io.websockify.wrap;

import io.websockify.testkit.RequiredTool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Programs, ports, processes and log capture for the wrap tests. */
public final class WrapTestSupport {
    private WrapTestSupport() {
    }

    /** {@code python3}, which the test programs are written in; the test fails when it is missing. */
    public static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "python3");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw RequiredTool.missing("python3 not found: the wrap tests need the Debian package python3");
    }

    /** The port-moving library must be in the build; the test fails when it is not. */
    public static void requireRebindLibrary() {
        String resource = RebindLibrary.resourceName();
        if (resource == null || WrapTestSupport.class.getClassLoader().getResource(resource) == null) {
            throw RequiredTool.missing("librebind.so was not built (" + resource + "): the build needs the Debian "
                    + "package gcc");
        }
    }

    /** Absolute path of a test program in src/test/resources/io/websockify/wrap. */
    public static String program(String name) {
        try {
            return Path.of(WrapTestSupport.class.getResource(name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TCP port that is free on all addresses at the time of the call (bound, never listened on). */
    public static int freePort() throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            return s.getLocalPort();
        }
    }

    /**
     * True when no TCP socket holds {@code port} on any IPv4 or IPv6 address: a dual-stack wildcard bind (without
     * listening) collides with every one of them.
     */
    public static boolean portFree(int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends bytes over a real TCP connection to host:port and checks that they come back unchanged. */
    public static void assertEchoes(String host, int port) throws IOException {
        byte[] data = ("echo through " + host + ":" + port).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(data);
            out.flush();
            InputStream in = s.getInputStream();
            assertArrayEquals(data, in.readNBytes(data.length));
        }
    }

    /** True when a TCP connection to host:port is refused (nothing listens there). */
    public static boolean refuses(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Polls {@code condition} every 20 ms up to {@code timeout}; returns its last value. */
    public static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return condition.getAsBoolean();
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Waits for a report file written atomically by a test program and returns its lines. */
    public static List<String> awaitReport(Path file, Duration timeout) throws Exception {
        if (!await(timeout, () -> Files.exists(file))) {
            fail("the program did not write " + file + " within " + timeout.toSeconds() + " s");
        }
        return Files.readAllLines(file);
    }

    /** The value after {@code key } in report lines, e.g. {@code pid}. */
    public static long reportNumber(List<String> report, String key) {
        return Long.parseLong(reportValues(report, key).get(0)[0]);
    }

    /** Every {@code key ...} line's remaining words. */
    public static List<String[]> reportValues(List<String> report, String key) {
        List<String[]> out = new ArrayList<>();
        for (String line : report) {
            String[] w = line.trim().split(" ");
            if (w[0].equals(key)) {
                out.add(Arrays.copyOfRange(w, 1, w.length));
            }
        }
        return out;
    }

    /**
     * True when the process is gone: not running, and not a zombie left for this JVM to reap. (A zombie whose parent
     * died belongs to init, which reaps it in its own time; the JDK still calls it alive.)
     */
    public static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            boolean zombie = afterName[0].equals("Z") || afterName[0].equals("X");
            long parent = Long.parseLong(afterName[1]);
            return zombie && parent != ProcessHandle.current().pid();
        } catch (IOException e) {
            return Files.isDirectory(Path.of("/proc")) || ProcessHandle.of(pid).isEmpty();
        }
    }

    /** Kills a process the test started, if still alive (cleanup). */
    public static void kill(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Collects the messages logged to one java.util.logging logger (System.Logger's default backend). */
    public static final class LogCapture extends Handler implements AutoCloseable {
        private final Logger logger;
        private final List<String> messages = new CopyOnWriteArrayList<>();

        public LogCapture(String loggerName) {
            this.logger = Logger.getLogger(loggerName);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            String msg = record.getMessage();
            Object[] params = record.getParameters();
            if (params != null && params.length > 0) {
                msg = java.text.MessageFormat.format(msg, params);
            }
            messages.add(msg);
        }

        public List<String> messages() {
            return List.copyOf(messages);
        }

        public long count(String fragment) {
            return messages.stream().filter(m -> m.contains(fragment)).count();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
