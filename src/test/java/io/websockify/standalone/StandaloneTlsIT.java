package io.websockify.standalone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS in the standalone command, against {@code target/websockify.jar} in its own processes: wss:// and ws:// on one
 * port, --ssl-only, client certificates with --verify-client and ClientCertCNAuth, key passwords, versions and
 * ciphers. Certificates are made with keytool when the class starts; one process per configuration serves all its
 * cases.
 */
class StandaloneTlsIT {
    private static final String ENV_PASSWORD = "WEBSOCKIFY_KEY_PASSWORD";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static EchoTarget echo;

    /** ws:// and wss:// on one port; encrypted key, password from the environment; a TLS 1.2 cipher list. */
    private static StandaloneCommand samePort;
    /** --ssl-only, client certificates from the test CA required, CN jane allowed, TLS 1.3 only. */
    private static StandaloneCommand strict;
    /**
     * The default self.pem; ClientCertCNAuth without --verify-client, so nobody has a verified certificate; a
     * handshake timeout of 3 s (upstream waits that long for the first byte).
     */
    private static StandaloneCommand unverified;
    /** --verify-client without --cafile: the JDK's CAs, which know nothing of the test CA. */
    private static StandaloneCommand jdkCas;
    private static int samePortPort;
    private static int strictPort;
    private static int unverifiedPort;
    private static int jdkCasPort;

    @BeforeAll
    static void start() throws Exception {
        Path pkiDir = Files.createDirectory(dir.resolve("pki"));
        pki = TestPki.create(pkiDir);
        echo = new EchoTarget();
        String target = echo.hostPort();

        Path one = Files.createDirectory(dir.resolve("same-port"));
        samePort = StandaloneCommand.start(one, Map.of(ENV_PASSWORD, TestPki.KEY_PASSWORD),
                "--cert", pki.serverChain.toString(), "--key", pki.serverKeyEncrypted.toString(),
                "--ssl-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384", "127.0.0.1:0", target);

        Path two = Files.createDirectory(dir.resolve("strict"));
        Path passwordFile = Files.writeString(two.resolve("key-password"), TestPki.KEY_PASSWORD + "\n");
        strict = StandaloneCommand.start(two, "--cert", pki.serverCombinedEncrypted.toString(),
                "--key-password-file", passwordFile.toString(), "--ssl-only", "--verify-client",
                "--cafile", pki.caPem.toString(), "--ssl-version", "tlsv1_3",
                "--auth-plugin", "ClientCertCNAuth", "--auth-source", "jane", "127.0.0.1:0", target);

        Path three = Files.createDirectory(dir.resolve("unverified"));
        Files.copy(pki.serverCombined, three.resolve("self.pem"));
        unverified = StandaloneCommand.start(three, "--auth-plugin", "ClientCertCNAuth", "--auth-source", "jane",
                "--handshake-timeout", "3s", "127.0.0.1:0", target);

        Path four = Files.createDirectory(dir.resolve("jdk-cas"));
        jdkCas = StandaloneCommand.start(four, "--cert", pki.serverCombined.toString(), "--verify-client",
                "127.0.0.1:0", target);

        samePortPort = samePort.awaitListening();
        strictPort = strict.awaitListening();
        unverifiedPort = unverified.awaitListening();
        jdkCasPort = jdkCas.awaitListening();
    }

    @AfterAll
    static void stop() throws IOException {
        for (StandaloneCommand c : new StandaloneCommand[] {samePort, strict, unverified, jdkCas}) {
            if (c != null) {
                c.close();
            }
        }
        if (echo != null) {
            echo.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- same port

    @Test
    void wssAndWsEchoOnTheSamePortAtTheSameTime() throws Exception {
        assertTrue(samePort.stdout().contains("ws:// and wss:// on the same port"), samePort.stdout());
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        WsClient secure = WsClient.connect(https(null), uri("wss", samePortPort, "/websockify"), "binary");
        WsClient plain = WsClient.connect(plainHttp(), uri("ws", samePortPort, "/websockify"), "binary");
        assertArrayEquals(data, secure.echo(data));
        assertArrayEquals(data, plain.echo(data));
        byte[] small = "both".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(small, plain.echo(small));
        assertArrayEquals(small, secure.echo(small));
        for (WsClient c : new WsClient[] {secure, plain}) {
            c.socket().sendClose(1000, "done");
            assertEquals(1000, c.awaitClose().code());
        }
    }

    @Test
    void plainHttpAndHttpsOnTheSamePort() throws Exception {
        HttpResponse<String> plain = plainHttp().send(HttpRequest.newBuilder(uri("http", samePortPort, "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, plain.statusCode());
        HttpResponse<String> secure = https(null).send(HttpRequest.newBuilder(uri("https", samePortPort, "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, secure.statusCode());
        assertTrue(secure.sslSession().isPresent());
    }

    /**
     * Each request gets the scheme of its own connection. Without a port in Host, the same-origin check takes the
     * default port of that scheme: an http page may open ws:// and an https page wss://, not the other way round.
     */
    @Test
    void eachConnectionHasItsOwnSchemeForTheSameOriginCheck() throws Exception {
        Map<String, String> httpPage = Map.of("Host", "127.0.0.1", "Origin", "http://127.0.0.1");
        Map<String, String> httpsPage = Map.of("Host", "127.0.0.1", "Origin", "https://127.0.0.1");
        assertStatus(101, plainUpgrade(samePortPort, httpPage));
        assertStatus(403, plainUpgrade(samePortPort, httpsPage));
        SSLContext ctx = pki.clientContext(null);
        assertStatus(101, tlsUpgrade(ctx, samePortPort, null, null, httpsPage));
        assertStatus(403, tlsUpgrade(ctx, samePortPort, null, null, httpPage));
    }

    @Test
    void sslCiphersGovernTls12AndLeaveTls13Alone() throws Exception {
        SSLContext ctx = pki.clientContext(null);
        Map<String, String> host = Map.of("Host", "127.0.0.1:" + samePortPort);
        Outcome allowed = tlsUpgrade(ctx, samePortPort, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", host);
        assertStatus(101, allowed);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", allowed.cipherSuite());
        assertNull(tlsUpgrade(ctx, samePortPort, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", host)
                .statusLine(), "a suite outside --ssl-ciphers");
        Outcome tls13 = tlsUpgrade(ctx, samePortPort, "TLSv1.3", "TLS_AES_128_GCM_SHA256", host);
        assertStatus(101, tls13);
        assertEquals("TLSv1.3", tls13.protocol());
    }

    /**
     * A client whose first bytes arrive one by one: the first read may hold a single byte, and a TLS hello may
     * arrive in pieces; both must still be recognized and served.
     */
    @Test
    void firstBytesArrivingOneByOneAreStillRecognized() throws Exception {
        try (TrickleRelay relay = new TrickleRelay(samePortPort)) {
            Map<String, String> host = Map.of("Host", "127.0.0.1:" + samePortPort);
            assertStatus(101, plainUpgrade(relay.port(), host));
        }
        try (TrickleRelay relay = new TrickleRelay(samePortPort)) {
            Outcome tls = tlsUpgrade(pki.clientContext(null), relay.port(), null, null,
                    Map.of("Host", "127.0.0.1:" + samePortPort));
            assertStatus(101, tls);
        }
    }

    @Test
    void aSilentConnectionIsDroppedWithoutAnAnswer() throws Exception {
        // Neither a first byte nor a TLS hello: dropped after --handshake-timeout, holding nothing.
        try (Socket s = new Socket("127.0.0.1", unverifiedPort)) {
            s.setSoTimeout((int) Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS).toMillis());
            assertEquals(0, readAll(s.getInputStream()).length);
        }
    }

    @Test
    void tlsIsOffWithoutACertificateAndOnWithTheDefaultSelfPem() {
        assertTrue(unverified.stdout().contains("SSL/TLS support: certificate "
                + dir.resolve("unverified").resolve("self.pem")), unverified.stdout());
    }

    // ---------------------------------------------------------------------------------------------- --ssl-only

    @Test
    void sslOnlyClosesPlainConnectionsWithoutAnHttpAnswer() throws Exception {
        assertTrue(strict.stdout().contains("Deny non-SSL/TLS connections"), strict.stdout());
        try (Socket s = new Socket("127.0.0.1", strictPort)) {
            s.setSoTimeout((int) Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS).toMillis());
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, readAll(s.getInputStream()).length);
        }
        assertTrue(eventually(() -> strict.stderr().contains("non-TLS connection refused (--ssl-only)")),
                strict.stderr());
    }

    // --------------------------------------------------------------------------------------- client certificates

    @Test
    void janesVerifiedCertificatePassesAndHerDataFlows() throws Exception {
        WsClient jane = WsClient.connect(https(pki.jane), uri("wss", strictPort, "/websockify"));
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        assertArrayEquals(data, jane.echo(data));
        jane.socket().sendClose(1000, "done");
        assertEquals(1000, jane.awaitClose().code());
    }

    @Test
    void eveIsVerifiedButNotAllowedEvenWhenSheClaimsToBeJane() throws Exception {
        assertEquals(403, refusedStatus(https(pki.eve), uri("wss", strictPort, "/websockify")));
        SSLContext eve = pki.clientContext(pki.eve);
        for (String header : new String[] {"SSL_CLIENT_S_DN_CN", "ssl_client_s_dn_cn"}) {
            assertStatus(403, tlsUpgrade(eve, strictPort, "TLSv1.3", null,
                    Map.of("Host", "127.0.0.1:" + strictPort, header, "jane")));
        }
    }

    @Test
    void noCertificateOrOneFromAnotherCaFailsTheTlsHandshake() throws Exception {
        Map<String, String> host = Map.of("Host", "127.0.0.1:" + strictPort);
        Outcome none = tlsUpgrade(pki.clientContext(null), strictPort, null, null, host);
        assertNull(none.statusLine(), "no HTTP answer without a client certificate");
        Outcome otherCa = tlsUpgrade(pki.clientContext(pki.janeFromOtherCa), strictPort, null, null, host);
        assertNull(otherCa.statusLine(), "no HTTP answer for CN=jane from an untrusted CA");
        // And with the right certificate, the same raw client gets through: the failures above are the certificates.
        assertStatus(101, tlsUpgrade(pki.clientContext(pki.jane), strictPort, null, null, host));
        assertTrue(eventually(() -> strict.stderr().contains("TLS handshake failed")), strict.stderr());
    }

    @Test
    void sslVersionTls13RefusesATls12Client() throws Exception {
        Map<String, String> host = Map.of("Host", "127.0.0.1:" + strictPort);
        SSLContext jane = pki.clientContext(pki.jane);
        assertNull(tlsUpgrade(jane, strictPort, "TLSv1.2", null, host).statusLine());
        assertStatus(101, tlsUpgrade(jane, strictPort, "TLSv1.3", null, host));
    }

    @Test
    void aSpoofedCommonNameHeaderNeverCounts() throws Exception {
        for (String header : new String[] {"SSL_CLIENT_S_DN_CN", "ssl_client_s_dn_cn"}) {
            Map<String, String> claim = Map.of("Host", "127.0.0.1:" + unverifiedPort, header, "jane");
            assertStatus(403, plainUpgrade(unverifiedPort, claim));
            assertStatus(403, tlsUpgrade(pki.clientContext(null), unverifiedPort, null, null, claim));
            // Without --verify-client no certificate is asked for, so even Jane's is never seen.
            assertStatus(403, tlsUpgrade(pki.clientContext(pki.jane), unverifiedPort, null, null, claim));
        }
    }

    @Test
    void verifyClientWithoutCaFileTrustsTheJdkCasAndLeavesPlainConnectionsAlone() throws Exception {
        assertTrue(jdkCas.stdout().contains("verified against the JDK's default CAs"), jdkCas.stdout());
        assertTrue(jdkCas.stdout().contains("plain ws:// connections are not asked for one"), jdkCas.stdout());
        Map<String, String> host = Map.of("Host", "127.0.0.1:" + jdkCasPort);
        assertNull(tlsUpgrade(pki.clientContext(pki.jane), jdkCasPort, null, null, host).statusLine(),
                "the test CA is not among the JDK's");
        WsClient plain = WsClient.connect(plainHttp(), uri("ws", jdkCasPort, "/websockify"));
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(hello, plain.echo(hello));
        plain.socket().sendClose(1000, "done");
        plain.awaitClose();
    }

    // ---------------------------------------------------------------------------------------------- start-up

    @Test
    void aKeyPasswordOnTheCommandLineIsAUsageError() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(dir, "--cert", pki.serverCombinedEncrypted.toString(),
                "--key-password", "hunter2", "127.0.0.1:0", echo.hostPort())) {
            assertEquals(2, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("--key-password-file") && cmd.stderr().contains(ENV_PASSWORD),
                    cmd.stderr());
            assertFalse(cmd.stderr().contains("hunter2"), cmd.stderr());
        }
    }

    @Test
    void aBadCertificateFileStopsTheStartNamingTheOption() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");
        try (StandaloneCommand cmd = StandaloneCommand.start(dir, "--cert", bad.toString(), "127.0.0.1:0",
                echo.hostPort())) {
            assertEquals(1, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("option --cert") && cmd.stderr().contains(bad.toString()),
                    cmd.stderr());
        }
    }

    @Test
    void sslOnlyWithoutTheCertificateStopsTheStartNamingTheFile() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("no-cert"));
        try (StandaloneCommand cmd = StandaloneCommand.start(empty, "--ssl-only", "127.0.0.1:0", echo.hostPort())) {
            assertEquals(1, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("--ssl-only") && cmd.stderr().contains(empty.resolve("self.pem")
                    .toString()), cmd.stderr());
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * Relays one connection to the proxy, passing the client's first 100 bytes one at a time (each sent on its own,
     * a moment apart) and everything after that as it comes.
     */
    private static final class TrickleRelay implements AutoCloseable {
        private final java.net.ServerSocket server;
        private final Thread thread;

        TrickleRelay(int proxyPort) throws IOException {
            server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            thread = new Thread(() -> relay(proxyPort), "trickle-relay");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void relay(int proxyPort) {
            try (Socket client = server.accept(); Socket proxy = new Socket("127.0.0.1", proxyPort)) {
                proxy.setTcpNoDelay(true);
                // Proxy to client as it comes.
                Thread down = new Thread(() -> {
                    try {
                        proxy.getInputStream().transferTo(client.getOutputStream());
                    } catch (IOException e) {
                        // either side went away
                    }
                }, "trickle-relay-down");
                down.setDaemon(true);
                down.start();
                // Client to proxy: byte by byte at first (blocking only when the client has sent nothing more).
                InputStream in = client.getInputStream();
                OutputStream out = proxy.getOutputStream();
                for (int i = 0; i < 100; i++) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                    Thread.sleep(2);
                }
                in.transferTo(out);
            } catch (IOException | InterruptedException e) {
                // the test ended the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** What a raw client saw: the status line (null if the connection ended or failed before one) and the TLS. */
    private record Outcome(String statusLine, String protocol, String cipherSuite, Exception failure) {
    }

    private static void assertStatus(int expected, Outcome outcome) {
        assertNotNull(outcome.statusLine(), () -> "no HTTP answer: " + outcome.failure());
        assertTrue(outcome.statusLine().matches("HTTP/1\\.1 " + expected + "( .*)?"), outcome.statusLine());
    }

    private static Outcome plainUpgrade(int port, Map<String, String> headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return upgrade(s, headers, null, null);
        }
    }

    /** An upgrade over TLS with {@code protocol} and {@code suite} alone when not null. */
    private static Outcome tlsUpgrade(SSLContext ctx, int port, String protocol, String suite,
                                      Map<String, String> headers) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            if (protocol != null) {
                s.setEnabledProtocols(new String[] {protocol});
            }
            if (suite != null) {
                s.setEnabledCipherSuites(new String[] {suite});
            }
            try {
                s.startHandshake();
            } catch (SSLException | SocketException e) {
                return new Outcome(null, null, null, e);
            }
            return upgrade(s, headers, s.getSession().getProtocol(), s.getSession().getCipherSuite());
        }
    }

    private static Outcome upgrade(Socket s, Map<String, String> headers, String protocol, String suite)
            throws IOException {
        s.setSoTimeout((int) Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS).toMillis());
        StringBuilder request = new StringBuilder("GET /websockify HTTP/1.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        try {
            OutputStream out = s.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1).trim();
            return new Outcome(status.isEmpty() ? null : status, protocol, suite, null);
        } catch (SSLException | SocketException e) {
            // With TLS 1.3 the server judges the client certificate after the client finished its handshake: the
            // refusal arrives as an alert or a closed connection when the client next reads or writes.
            return new Outcome(null, protocol, suite, e);
        }
    }

    private static int refusedStatus(HttpClient http, URI uri) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> http.newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() { })
                        .get(StandaloneCommand.PATIENCE_SECONDS, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            return new byte[0]; // a reset: closed without an answer all the same
        }
    }

    private static HttpClient plainHttp() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS)).build();
    }

    private static HttpClient https(KeyStore clientKeys) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return HttpClient.newBuilder().sslContext(pki.clientContext(clientKeys)).sslParameters(params)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS)).build();
    }

    private static URI uri(String scheme, int port, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** Log lines are written by another process: wait for them a while (a safety net, not a timing claim). */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
