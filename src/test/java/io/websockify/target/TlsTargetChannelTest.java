package io.websockify.target;

import io.websockify.bridge.TargetChannel;
import io.websockify.config.HostPort;
import io.websockify.config.Settings;
import io.websockify.reactor.Reactors;
import io.websockify.testkit.ChannelIo;
import io.websockify.testkit.Pattern;
import io.websockify.testkit.Settling;
import io.websockify.testkit.TlsCertificates;
import io.websockify.testkit.TlsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TlsTargetChannel} over real TCP connections made by {@link TcpConnector} (the proxy's own I/O threads and
 * timer), against a real TLS server with certificates made by keytool at test time.
 */
class TlsTargetChannelTest {
    private static final int MIB = 1 << 20;

    private static TlsCertificates certs;
    private static Reactors reactors;
    private static ScheduledExecutorService timer;
    private static TcpConnector tcp;

    @BeforeAll
    static void start() throws Exception {
        certs = TlsCertificates.get();
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tls-test-timer"));
        reactors = new Reactors(2, "tls-test-io-");
        tcp = new TcpConnector(reactors, timer, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        timer.shutdownNow();
        reactors.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static TargetTls tls(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put(TargetTls.SSL_TARGET, "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return TargetTls.from(Settings.of(m)).orElseThrow();
    }

    private static TargetTls trusting(Path file) {
        return tls(TargetTls.TRUST, file.toString());
    }

    /** Connects as the proxy would: TCP by the connector, then the handshake, then {@code connected}. */
    private static ChannelIo.Callback connect(TargetTls tls, String host, int port, Duration handshakeTimeout) {
        ChannelIo.Callback cb = new ChannelIo.Callback();
        HostPort target = new HostPort(host, port);
        tcp.connect(target, tls.handshakeThen(target, cb, timer, handshakeTimeout));
        return cb;
    }

    private static TargetChannel connected(TargetTls tls, String host, int port) throws Exception {
        ChannelIo.Callback cb = connect(tls, host, port, Duration.ofSeconds(10));
        return cb.result.get(20, TimeUnit.SECONDS);
    }

    private static Throwable connectFailure(TargetTls tls, String host, int port, Duration timeout) throws Exception {
        ChannelIo.Callback cb = connect(tls, host, port, timeout);
        ExecutionException e = assertThrows(ExecutionException.class, () -> cb.result.get(20, TimeUnit.SECONDS));
        assertEquals(1, cb.calls.get(), "exactly one callback");
        return e.getCause();
    }

    /** Echoes until end of stream (TLS close_notify), then closes with close_notify. */
    private static final TlsServer.Behaviour ECHO = c -> {
        InputStream in = c.tls.getInputStream();
        OutputStream out = c.tls.getOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        c.tls.close();
    };

    // ------------------------------------------------------------------------------------------- data

    @ParameterizedTest(name = "{0}, reads of {1} bytes")
    @CsvSource({"TLSv1.3, 4096", "TLSv1.3, 65536", "TLSv1.2, 4096", "TLSv1.2, 65536"})
    void echoesFourMiBBothWaysWithPartialWrites(String protocol, int readSize) throws Exception {
        try (TlsServer server = new TlsServer(certs.good.keyStore(), protocol, 0, ECHO)) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "127.0.0.1", server.port());
            TlsServer.Conn conn = server.next();
            assertEquals("127.0.0.1:" + server.port() + " (" + protocol + ")", ch.describe());
            assertNull(conn.sniHost(), "no SNI for an IP literal");

            long total = 4L * MIB;
            CompletableFuture<ChannelIo.ReadResult> read = ChannelIo.readAll(ch, readSize);
            AtomicLong accepted = new AtomicLong();
            AtomicInteger partials = new AtomicInteger();
            ChannelIo.writeAll(ch, 7, total, 64 * 1024, accepted, partials).get(30, TimeUnit.SECONDS);
            // Half-close: close_notify tells the echo server we are done; it still sends what it has.
            ch.shutdownOutput();
            ChannelIo.ReadResult r = read.get(30, TimeUnit.SECONDS);
            ch.close();

            assertEquals(total, accepted.get());
            assertTrue(partials.get() > 0, "64 KiB writes are taken a record at a time");
            assertEquals(total, r.count(), "every byte came back, then end of stream");
            assertEquals(Pattern.digestOf(7, total), r.sha256());
            conn.awaitDone();
            assertNull(conn.error, () -> "server: " + conn.error);
        }
    }

    @Test
    void connectingByNameSendsSniAndVerifiesThatName() throws Exception {
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, ECHO)) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "localhost", server.port());
            TlsServer.Conn conn = server.next();
            assertEquals("localhost", conn.sniHost());
            roundTrip(ch);
        }
    }

    private static void roundTrip(TargetChannel ch) throws Exception {
        byte[] hello = "hello over TLS\n".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<ChannelIo.ReadResult> read = ChannelIo.readAll(ch, 4096);
        ChannelIo.writeFully(ch, hello).get(10, TimeUnit.SECONDS);
        ch.shutdownOutput();
        assertArrayEquals(hello, read.get(10, TimeUnit.SECONDS).head());
        ch.close();
    }

    // ------------------------------------------------------------------------------------------- trust

    @Test
    void defaultTrustStoreRejectsASelfSignedTarget() throws Exception {
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, ECHO)) {
            Throwable e = connectFailure(tls(), "127.0.0.1", server.port(), Duration.ofSeconds(10));
            assertInstanceOf(SSLHandshakeException.class, e);
            String m = e.getMessage();
            assertTrue(m.startsWith("TLS handshake with 127.0.0.1:" + server.port() + " failed: "), m);
            assertTrue(m.contains("PKIX"), m);
            assertTrue(m.contains(TargetTls.TRUST), "tells the operator which setting to use: " + m);
            TlsServer.Conn conn = server.next();
            conn.awaitDone();
            assertNotNull(conn.handshakeError, "the server saw the handshake fail, not succeed");
        }
    }

    @Test
    void trustStoresInPkcs12AndJksWork() throws Exception {
        Certificate cert;
        try (InputStream in = Files.newInputStream(certs.good.pem())) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        for (String type : new String[] {"PKCS12", "JKS"}) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            ks.setCertificateEntry("target-ca", cert);
            Path file = certs.dir.resolve("trust." + type.toLowerCase(Locale.ROOT));
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, "storepass".toCharArray());
            }
            TargetTls tls = tls(TargetTls.TRUST, file.toString(), TargetTls.TRUST_PASSWORD, "storepass");
            try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, ECHO)) {
                roundTrip(connected(tls, "127.0.0.1", server.port()));
            }
        }
    }

    @Test
    void aCertificateForAnotherNameIsRejected() throws Exception {
        try (TlsServer server = new TlsServer(certs.other.keyStore(), "TLSv1.3", 0, ECHO)) {
            Throwable byIp = connectFailure(trusting(certs.other.pem()), "127.0.0.1", server.port(),
                    Duration.ofSeconds(10));
            assertInstanceOf(SSLHandshakeException.class, byIp);
            assertTrue(byIp.getMessage().contains("127.0.0.1"), byIp.getMessage());
            assertTrue(byIp.getMessage().contains("does not name the target host"), byIp.getMessage());

            Throwable byName = connectFailure(trusting(certs.other.pem()), "localhost", server.port(),
                    Duration.ofSeconds(10));
            assertTrue(byName.getMessage().contains("localhost"), byName.getMessage());
        }
    }

    @Test
    void insecureAcceptsAnyCertificateAndName() throws Exception {
        try (TlsServer server = new TlsServer(certs.other.keyStore(), "TLSv1.3", 0, ECHO)) {
            roundTrip(connected(tls(TargetTls.INSECURE, "true"), "127.0.0.1", server.port()));
        }
    }

    // ------------------------------------------------------------------------------------------- endings

    @Test
    void peerCloseNotifyIsEndOfStream() throws Exception {
        byte[] bye = "bye\n".getBytes(StandardCharsets.US_ASCII);
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, c -> {
            c.tls.getOutputStream().write(bye);
            c.tls.close();
        })) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "127.0.0.1", server.port());
            ChannelIo.ReadResult r = ChannelIo.readAll(ch, 4096).get(10, TimeUnit.SECONDS);
            assertArrayEquals(bye, r.head());
            ch.close();
        }
    }

    /**
     * The JDK's SSLSocket takes a bare TCP FIN for close_notify, so the far side here is a TLS channel of our own in
     * server mode, whose engine tells the two apart (see the truncation test for that side).
     */
    @Test
    void shutdownOutputAndCloseSendCloseNotify() throws Exception {
        SSLContext serverContext = TlsServer.serverContext(certs.good.keyStore());
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            TargetTls tls = trusting(certs.good.pem());

            // shutdownOutput: the server reads to a clean end of stream, answers, and the client still reads.
            CompletableFuture<TargetChannel> accepted = acceptTls(listener, serverContext);
            TargetChannel client = connected(tls, "127.0.0.1", port);
            TargetChannel server = accepted.get(10, TimeUnit.SECONDS);
            CompletableFuture<ChannelIo.ReadResult> clientRead = ChannelIo.readAll(client, 4096);
            client.shutdownOutput();
            ChannelIo.ReadResult atServer = ChannelIo.readAll(server, 4096).get(10, TimeUnit.SECONDS);
            assertEquals(0, atServer.count());
            byte[] answer = "still here".getBytes(StandardCharsets.US_ASCII);
            ChannelIo.writeFully(server, answer).get(10, TimeUnit.SECONDS);
            server.shutdownOutput();
            assertArrayEquals(answer, clientRead.get(10, TimeUnit.SECONDS).head(), "half-closed, still reading");
            client.close();
            server.close();

            // close: close_notify goes out before the socket closes. The client first reads what the server sent
            // (after TLS 1.3's session ticket): closing with unread bytes would make the kernel send a reset.
            accepted = acceptTls(listener, serverContext);
            client = connected(tls, "127.0.0.1", port);
            server = accepted.get(10, TimeUnit.SECONDS);
            CompletableFuture<ChannelIo.ReadResult> serverRead = ChannelIo.readAll(server, 4096);
            ChannelIo.writeFully(server, answer).get(10, TimeUnit.SECONDS);
            assertArrayEquals(answer, ChannelIo.readOnce(client, 4096).get(10, TimeUnit.SECONDS));
            ChannelIo.writeFully(client, answer).get(10, TimeUnit.SECONDS);
            client.close();
            assertArrayEquals(answer, serverRead.get(10, TimeUnit.SECONDS).head(), "clean end after the data");
            server.close();
        }
    }

    /** Accepts one connection on a thread of its own and runs the server side of TLS over our socket channel. */
    private static CompletableFuture<TargetChannel> acceptTls(ServerSocketChannel listener, SSLContext context) {
        ChannelIo.Callback cb = new ChannelIo.Callback();
        Thread t = new Thread(() -> {
            try {
                SocketChannel ch = listener.accept();
                SSLEngine engine = context.createSSLEngine();
                engine.setUseClientMode(false);
                new TlsTargetChannel(new SocketTargetChannel(ch, reactors.next(), "client"), engine, "client")
                        .handshake(cb);
            } catch (IOException e) {
                cb.failed(e);
            }
        }, "tls-test-accept");
        t.setDaemon(true);
        t.start();
        return cb.result;
    }

    @Test
    void endOfStreamWithoutCloseNotifyFailsTheRead() throws Exception {
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, c -> {
            c.tls.getOutputStream().write('x');
            c.plain.shutdownOutput(); // TCP FIN, no TLS close_notify
            c.tls.getInputStream().read();
        })) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "127.0.0.1", server.port());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> ChannelIo.readAll(ch, 4096).get(10, TimeUnit.SECONDS));
            assertInstanceOf(SSLException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("without TLS close_notify"), e.getCause().getMessage());
            ch.close();
        }
    }

    @Test
    void aSilentTargetTimesOutAndAPlainOneFails() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Throwable e = connectFailure(tls(), "127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300));
            assertInstanceOf(SSLHandshakeException.class, e);
            assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
            try (Socket s = silent.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // ClientHello, then the close
                }
            }
        }
        try (ServerSocket plain = new ServerSocket()) {
            plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Thread vnc = new Thread(() -> {
                try (Socket s = plain.accept()) {
                    s.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the client went away
                }
            });
            vnc.setDaemon(true);
            vnc.start();
            Throwable e = connectFailure(tls(), "127.0.0.1", plain.getLocalPort(), Duration.ofSeconds(10));
            assertInstanceOf(SSLException.class, e);
            assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------- backpressure

    /**
     * A target that stops reading stops the writer after a bounded number of bytes; when it reads again everything
     * arrives. No timing is asserted: the test waits until the accepted-bytes counter stops moving.
     */
    @Test
    void aTargetThatStopsReadingStallsWritesThenTheyResume() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MessageDigest md = Pattern.sha256();
        AtomicLong received = new AtomicLong();
        int serverRcvBuf = 64 * 1024;
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", serverRcvBuf, c -> {
            release.await(60, TimeUnit.SECONDS);
            InputStream in = c.tls.getInputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
                received.addAndGet(n);
            }
            c.tls.close();
        })) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "127.0.0.1", server.port());
            TlsServer.Conn conn = server.next();
            long bound = kernelBound(conn.plain.getReceiveBufferSize());
            long flood = Math.max(16L * MIB, 2 * bound);
            AtomicLong accepted = new AtomicLong();
            CompletableFuture<Long> writes = ChannelIo.writeAll(ch, 11, flood, 64 * 1024, accepted, new AtomicInteger());

            long stalled = Settling.settle(accepted::get);
            System.out.printf("TLS writer stalled after %,d bytes (bound %,d, flood %,d)%n", stalled, bound, flood);
            assertTrue(stalled > 0, "some bytes were taken");
            assertTrue(stalled < bound, "stalled after " + stalled + " bytes, bound " + bound);
            assertTrue(!writes.isDone(), "the writer is waiting, not finished");

            release.countDown();
            assertEquals(flood, writes.get(60, TimeUnit.SECONDS));
            ch.shutdownOutput();
            conn.awaitDone();
            assertNull(conn.error, () -> "server: " + conn.error);
            assertEquals(flood, received.get());
            assertEquals(Pattern.digestOf(11, flood), Pattern.hex(md.digest()));
            ch.close();
        }
    }

    /**
     * What may sit between writer and stalled reader: our send buffer (autotuned up to tcp_wmem's maximum), the
     * server's receive buffer, our one TLS record, and 1 MiB to spare. Without backpressure the writer would take
     * the whole flood.
     */
    private static long kernelBound(int serverReceiveBuffer) throws IOException {
        long wmem = Settling.procMax("/proc/sys/net/ipv4/tcp_wmem", 4L * MIB);
        return wmem + 2L * serverReceiveBuffer + 64 * 1024 + MIB;
    }



    @Test
    void closeFailsOutstandingOperations() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TlsServer server = new TlsServer(certs.good.keyStore(), "TLSv1.3", 0, c -> {
            release.await(30, TimeUnit.SECONDS);
        })) {
            TargetChannel ch = connected(trusting(certs.good.pem()), "127.0.0.1", server.port());
            CompletableFuture<ChannelIo.ReadResult> read = ChannelIo.readAll(ch, 4096);
            ch.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            CompletableFuture<Void> after = ChannelIo.writeFully(ch, new byte[] {1});
            assertThrows(ExecutionException.class, () -> after.get(10, TimeUnit.SECONDS));
            release.countDown();
        }
    }
}
