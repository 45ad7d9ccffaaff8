package io.websockify.standalone;

import io.websockify.config.HostPort;
import io.websockify.config.Settings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the shared ws:// + wss:// port costs a plain ws:// client: the same workloads through two embedded Tomcats
 * in this JVM, one with TLS configured (the sniffing endpoint) and one without (Tomcat's stock connector), in
 * alternating rounds so that warm-up and machine load fall on both alike. Prints medians; asserts nothing.
 *
 * <pre>
 * mvn -q package -DskipTests   # target/websockify.jar and target/test-classes
 * java -cp target/websockify.jar:target/test-classes io.websockify.standalone.SamePortBenchmark [rounds] [MiB]
 * </pre>
 */
public final class SamePortBenchmark {
    private static final int ROUND_TRIPS = 20_000;
    private static final int CONNECTIONS = 500;
    private static final int CHUNK = 64 * 1024;

    private SamePortBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long bulkBytes = (args.length > 1 ? Long.parseLong(args[1]) : 256) * 1024 * 1024;
        Path dir = Files.createTempDirectory("websockify-bench-");
        TestPki pki = TestPki.create(dir);
        try (EchoTarget echo = new EchoTarget()) {
            System.setProperty("websockify.target", echo.hostPort());
            System.setProperty("websockify.any-path", "true");
            ConsoleLogging.configure(false);
            TlsSettings none = TlsSettings.read(Settings.of(Map.of()), Map.of(), dir.resolve("nothing-here"));
            TlsSettings tls = TlsSettings.read(Settings.of(Map.of(TlsSettings.CERT, pki.serverCombined.toString())),
                    Map.of(), dir);
            EmbeddedTomcat stock = start(none);
            EmbeddedTomcat sniffing = start(tls);
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
                URI plainStock = URI.create("ws://127.0.0.1:" + stock.localPort() + "/websockify");
                URI plainSniffing = URI.create("ws://127.0.0.1:" + sniffing.localPort() + "/websockify");
                URI secure = URI.create("wss://127.0.0.1:" + sniffing.localPort() + "/websockify");

                Results r = new Results();
                for (int round = 0; round <= rounds; round++) {
                    boolean warmUp = round == 0;
                    // Alternate which goes first, so neither always runs on a fresher or staler machine.
                    for (int k = 0; k < 2; k++) {
                        boolean stockFirst = (round % 2 == 0) == (k == 0);
                        URI uri = stockFirst ? plainStock : plainSniffing;
                        String name = stockFirst ? "stock" : "sniffing";
                        measure(r, warmUp, name, http, uri, bulkBytes);
                    }
                    measure(r, warmUp, "wss", https, secure, bulkBytes);
                    if (!warmUp) {
                        System.out.println("round " + round + " done");
                    }
                }
                System.out.println();
                System.out.printf("%d rounds (after one warm-up), %d round trips of 32 bytes, %d connections, "
                        + "%d MiB echoed in %d KiB messages; medians:%n", rounds, ROUND_TRIPS, CONNECTIONS,
                        bulkBytes >> 20, CHUNK >> 10);
                r.print();
            } finally {
                sniffing.stop();
                stock.stop();
            }
        }
    }

    /**
     * Wall time and the CPU time of the whole process (client, proxy and echo target alike; only the proxy's
     * connector differs between the configurations, and CPU time suffers less than wall time from a busy machine).
     */
    private static void measure(Results r, boolean warmUp, String name, HttpClient http, URI uri, long bulkBytes)
            throws Exception {
        long cpu = cpuNanos();
        r.add(warmUp, name + " round trip us", roundTrips(http, uri));
        r.add(warmUp, name + " round trip CPU us", (cpuNanos() - cpu) / 1000.0 / ROUND_TRIPS);
        cpu = cpuNanos();
        r.add(warmUp, name + " connections/s", connections(http, uri));
        r.add(warmUp, name + " connection CPU ms", (cpuNanos() - cpu) / 1e6 / CONNECTIONS);
        cpu = cpuNanos();
        r.add(warmUp, name + " bulk MiB/s", bulk(http, uri, bulkBytes));
        r.add(warmUp, name + " bulk CPU ms/MiB", (cpuNanos() - cpu) / 1e6 / (bulkBytes >> 20));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static EmbeddedTomcat start(TlsSettings tls) throws Exception {
        EmbeddedTomcat server = new EmbeddedTomcat(new HostPort("127.0.0.1", 0), tls);
        ConsoleLogging.StartupLog log = ConsoleLogging.holdDuringStartup();
        server.start(log);
        log.release(false);
        return server;
    }

    /** Microseconds per echo of a small message on one session. */
    private static double roundTrips(HttpClient http, URI uri) throws Exception {
        Counter c = new Counter();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, c).get(30, TimeUnit.SECONDS);
        ByteBuffer message = ByteBuffer.allocate(32);
        long start = System.nanoTime();
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long want = c.expect(32);
            ws.sendBinary(message.duplicate(), true).get(30, TimeUnit.SECONDS);
            c.await(want);
        }
        double us = (System.nanoTime() - start) / 1000.0 / ROUND_TRIPS;
        ws.sendClose(1000, "").get(30, TimeUnit.SECONDS);
        return us;
    }

    /** New sessions per second: connect, upgrade, one echo, close. */
    private static double connections(HttpClient http, URI uri) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < CONNECTIONS; i++) {
            Counter c = new Counter();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, c).get(30, TimeUnit.SECONDS);
            long want = c.expect(8);
            ws.sendBinary(ByteBuffer.allocate(8), true).get(30, TimeUnit.SECONDS);
            c.await(want);
            ws.sendClose(1000, "").get(30, TimeUnit.SECONDS);
            c.closed.get(30, TimeUnit.SECONDS);
        }
        return CONNECTIONS / ((System.nanoTime() - start) / 1e9);
    }

    /** MiB per second echoed through one session (sent and received concurrently). */
    private static double bulk(HttpClient http, URI uri, long bytes) throws Exception {
        Counter c = new Counter();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, c).get(30, TimeUnit.SECONDS);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long start = System.nanoTime();
        long want = c.expect(bytes);
        for (long sent = 0; sent < bytes; sent += CHUNK) {
            ws.sendBinary(chunk.duplicate(), true).get(60, TimeUnit.SECONDS);
        }
        c.await(want);
        double mibs = bytes / 1048576.0 / ((System.nanoTime() - start) / 1e9);
        ws.sendClose(1000, "").get(30, TimeUnit.SECONDS);
        return mibs;
    }

    /** Counts received bytes; waits for a total. */
    private static final class Counter implements WebSocket.Listener {
        private final AtomicLong received = new AtomicLong();
        private long expected;
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        long expect(long more) {
            expected += more;
            return expected;
        }

        void await(long total) throws InterruptedException {
            synchronized (this) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (received.get() < total) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("echo stalled at " + received.get() + " of " + total);
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            received.addAndGet(data.remaining());
            synchronized (this) {
                notifyAll();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /** Samples by name, in first-seen order. */
    private static final class Results {
        private final List<String> names = new ArrayList<>();
        private final List<List<Double>> samples = new ArrayList<>();

        void add(boolean warmUp, String name, double value) {
            if (warmUp) {
                return;
            }
            int i = names.indexOf(name);
            if (i < 0) {
                names.add(name);
                samples.add(new ArrayList<>());
                i = names.size() - 1;
            }
            samples.get(i).add(value);
        }

        void print() {
            for (int i = 0; i < names.size(); i++) {
                double[] v = samples.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("  %-26s median %9.1f   (min %9.1f, max %9.1f)%n", names.get(i),
                        v[v.length / 2], v[0], v[v.length - 1]);
            }
            System.out.println("  " + Arrays.toString(new String[] {"stock = Tomcat's connector, no TLS configured",
                    "sniffing = same-port connector with TLS configured, plain ws:// client"}));
        }
    }
}
