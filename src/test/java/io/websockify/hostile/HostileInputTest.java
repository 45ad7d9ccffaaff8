package io.websockify.hostile;

import io.websockify.testkit.Frames;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.Wire;
import io.websockify.testkit.WsClient;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile clients against the WAR on Tomcat, over real sockets: each attack must get the right answer (an HTTP error
 * before any upgrade, or the right WebSocket close code after one), and a well-behaved client on its own connection,
 * opened before the attacks and kept open, must get every one of its messages echoed byte for byte after each
 * attack and during the floods.
 *
 * <p>Where an answer comes from Tomcat rather than from our code (request parsing, RFC 6455 frame checks) the test
 * pins what Tomcat 11 does; the assertion messages name the answer that was observed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
    private static final int PER_CLIENT = 5;
    private static final int MAX_MESSAGE = 64 * 1024;
    private static final TcpTarget ECHO = start(TcpTarget.echo());
    /** No route may reach this one: every odd path must end at the echo target or nowhere. */
    private static final TcpTarget FORBIDDEN = start(TcpTarget.hold());
    /** Counts what reaches it and sends nothing back, for the size limits. */
    private static final TcpTarget SINK = start(TcpTarget.sink());
    /** Sends far more than any test reads. */
    private static final TcpTarget FLOOD = start(TcpTarget.source(1, 1L << 30));
    private static final String WS = "/hostile/websockify";

    private static WsClient good;
    /** The connection of {@link #clientIgnoringTheServersClose}, checked at the end. */
    private static Wire silent;
    private static final Random RANDOM = new Random(4);

    @Deployment(testable = false)
    static WebArchive war() {
        Map<String, String> p = new HashMap<>();
        p.put("websockify.target", ECHO.hostPort());
        p.put("websockify.max-sessions-per-client", String.valueOf(PER_CLIENT));
        p.put("websockify.max-message-size", String.valueOf(MAX_MESSAGE));
        p.put("websockify.heartbeat", "0");
        p.put("websockify.routes", "b64,sink,flood,direct");
        p.put("websockify.route.b64.path", "/b64");
        p.put("websockify.route.b64.target", SINK.hostPort());
        p.put("websockify.route.sink.path", "/sink");
        p.put("websockify.route.sink.target", SINK.hostPort());
        p.put("websockify.route.flood.path", "/flood");
        p.put("websockify.route.flood.target", FLOOD.hostPort());
        // Direct routing whose allow-list names only the echo target: the forbidden one is next door.
        p.put("websockify.route.direct.path", "/connect/{host}/{port}");
        p.put("websockify.route.direct.allow-hosts", "127.0.0.1");
        p.put("websockify.route.direct.allow-ports", String.valueOf(ECHO.port()));
        return ProxyWar.create("hostile.war", p);
    }

    private static TcpTarget start(TcpTarget.Behaviour b) {
        try {
            return new TcpTarget(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int port() {
        return Integer.parseInt(System.getProperty("tomcat.http.port", "18080"));
    }

    @BeforeAll
    static void openGoodClient() throws Exception {
        good = WsClient.connect(URI.create("ws://127.0.0.1:" + port() + WS), "binary");
        goodClientIsServed("before the attacks");
    }

    @AfterEach
    void goodClientAfterEachAttack(TestInfo test) throws Exception {
        goodClientIsServed("after " + test.getDisplayName());
        assertTrue(FORBIDDEN.connections().isEmpty(), "the forbidden target was reached");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (silent != null) {
                assertTrue(silent.awaitServerClose(120_000),
                        "a client that never answered the server's close is still connected after 120 s");
                silent.close();
            }
            if (good != null) {
                good.close(1000, "done");
                assertEquals(1000, good.awaitClose(30).code(), "the good client's session ends normally");
            }
        } finally {
            ECHO.close();
            SINK.close();
            FLOOD.close();
            FORBIDDEN.close();
        }
    }

    /** One message from the good client comes back byte for byte on the session it opened before the attacks. */
    private static void goodClientIsServed(String when) throws Exception {
        assertFalse(good.closed.isDone(), "the good client's session was closed " + when + ": "
                + (good.closed.isDone() && !good.closed.isCompletedExceptionally() ? good.closed.join() : "error"));
        byte[] msg = new byte[200 + RANDOM.nextInt(1800)];
        RANDOM.nextBytes(msg);
        long before = good.received();
        good.send(msg);
        good.awaitBytes(before + msg.length, 30);
        byte[] all = good.keptBytes();
        assertArrayEquals(msg, Arrays.copyOfRange(all, (int) before, (int) before + msg.length),
                "the good client's echo " + when);
    }

    // ------------------------------------------------------------------ HTTP: malformed and oversized handshakes

    /** Sends raw bytes as a request and returns what the server answered (or that it closed). */
    private static Wire.Answer send(byte[] request) throws IOException {
        return send(request, true);
    }

    private static Wire.Answer send(byte[] request, boolean withBody) throws IOException {
        int mark = ECHO.mark();
        try (Wire w = Wire.open(port())) {
            w.write(request);
            Wire.Answer a = w.answer(withBody);
            assertEquals(mark, ECHO.mark(), "a refused request must contact no target (answer: " + a + ")");
            return a;
        }
    }

    private static Wire.Answer send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertRefused(Wire.Answer a, String what) {
        assertNotEquals(101, a.status(), what + " was upgraded");
        assertTrue(a.status() == 400 || a.closedWithoutAnswer(), what + ": expected 400 or a closed connection, got " + a);
    }

    private static String head(String requestLine, String... headers) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static final String[] UPGRADE_HEADERS = {"Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"};

    private static String[] upgradeHeadersWith(String... more) {
        List<String> h = new ArrayList<>(List.of(UPGRADE_HEADERS));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }

    /**
     * Request lines Tomcat cannot parse: 400 or a closed connection, never an upgrade. Observed: "GET" alone and a
     * target without its leading slash get a 400 with a status line; an empty target closes the connection without
     * an answer; every other case gets Tomcat's "HTTP Status 400 – Bad Request" page HTTP/0.9-style (no status line,
     * as Tomcat could not read the request's version), then the connection is closed.
     */
    @ParameterizedTest(name = "request line [{0}]")
    @ValueSource(strings = {
        "GET",                                      // no target, no version
        "GET  HTTP/1.1",                            // empty target
        "GET /hostile/websockify HTTP/1.1 extra",   // a fourth token
        "GET /hostile/web socket HTTP/1.1",         // a space in the target
        "GET /hostile/websockify HTTP/1.x",         // malformed version
        "G(T /hostile/websockify HTTP/1.1",         // a separator in the method
        "GET /hostile/websockify\u0001 HTTP/1.1",   // a control character in the target
        "GET /hostile/websockify\u00ff HTTP/1.1",   // a raw non-ASCII byte in the target
        "GET hostile/websockify HTTP/1.1",          // neither origin-form nor absolute-form
    })
    void malformedRequestLine(String line) throws IOException {
        assertRefused(send(head(line, UPGRADE_HEADERS)), "request line '" + line + "'");
    }

    /** HTTP versions Tomcat does not speak. Observed: 505 for HTTP/2.0 and HTTP/9.9 — never an upgrade. */
    @ParameterizedTest(name = "version [{0}]")
    @ValueSource(strings = {"HTTP/2.0", "HTTP/9.9"})
    void unsupportedHttpVersion(String version) throws IOException {
        Wire.Answer a = send(head("GET " + WS + " " + version, UPGRADE_HEADERS));
        assertNotEquals(101, a.status(), version + " was upgraded");
        assertTrue(a.status() == 505 || a.status() == 400 || a.closedWithoutAnswer(), version + ": got " + a);
    }

    /**
     * Malformed header lines, each after a complete upgrade head: never an upgrade. Observed: 400 for most; 426 for
     * an obsolete folded line (Tomcat joins it to the Sec-WebSocket-Version value before it, which is then not 13);
     * 501 for a transfer coding other than chunked (RFC 9112 6.1).
     */
    @ParameterizedTest(name = "header [{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Upgrade websocket|400",                 // no colon
        "Up grade: websocket|400",               // a space in the name
        "Upgrade : websocket|400",               // white space before the colon
        "' folded: continuation'|426",           // obsolete line folding
        "X-Nul: a\u0000b|400",                   // NUL in a value
        "X-Ctl: a\u0007b|400",                   // a control character in a value
        "': no-name'|400",                       // empty name
        "Host: second.example|400",              // a second Host header
        "Content-Length: abc|400",               // a malformed length
        "'Content-Length: 1, 2'|400",            // conflicting lengths
        "Transfer-Encoding: gzip|501",           // a transfer coding that is not chunked
    })
    void malformedHeader(String header, int expected) throws IOException {
        Wire.Answer a = send(head("GET " + WS + " HTTP/1.1", upgradeHeadersWith(header)));
        assertNotEquals(101, a.status(), "header '" + header + "' was upgraded");
        assertEquals(expected, a.status(), "header '" + header + "': got " + a);
    }

    /** An HTTP/1.1 upgrade without a Host header: 400. */
    @Test
    void missingHost() throws IOException {
        String[] h = Arrays.stream(UPGRADE_HEADERS).filter(s -> !s.startsWith("Host")).toArray(String[]::new);
        assertRefused(send(head("GET " + WS + " HTTP/1.1", h)), "upgrade without Host");
    }

    /**
     * A 64 KiB header value, a 64 KiB request target, 10 000 headers: refused, never upgraded. Observed: 400 for all
     * three (Tomcat's maxHttpHeaderSize 8 KiB and maxHeaderCount 100).
     */
    @Test
    void oversizedHandshakes() throws IOException {
        String big = "a".repeat(64 * 1024);
        List<Wire.Answer> answers = new ArrayList<>();
        answers.add(send(head("GET " + WS + " HTTP/1.1", upgradeHeadersWith("X-Big: " + big))));
        answers.add(send(head("GET " + WS + "?" + big + " HTTP/1.1", UPGRADE_HEADERS)));
        String[] many = new String[10_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-H" + i + ": v";
        }
        answers.add(send(head("GET " + WS + " HTTP/1.1", upgradeHeadersWith(many))));
        for (Wire.Answer a : answers) {
            assertNotEquals(101, a.status(), "oversized handshake upgraded");
            assertTrue(List.of(400, 413, 414, 431).contains(a.status()) || a.closedWithoutAnswer(),
                    "oversized handshake: got " + a);
        }
    }

    // ------------------------------------------------------------------ WebSocket handshake: keys, versions, methods

    /** Upgrades with a missing or malformed Sec-WebSocket-Key: 400 (RFC 6455 4.2.1: 16 bytes, base64). */
    @ParameterizedTest(name = "key [{0}]")
    @ValueSource(strings = {"(missing)", "", "not base64!!", "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZXMh",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "dGhlIHNhbXBsZSBub25jZQ"})
    void badKey(String key) throws IOException {
        Map<String, String> h = new HashMap<>();
        h.put("Sec-WebSocket-Key", key.equals("(missing)") ? null : key);
        Wire.Answer a = send(Wire.upgradeRequest("GET", WS, h));
        assertEquals(400, a.status(), "Sec-WebSocket-Key '" + key + "': got " + a);
    }

    /**
     * Versions other than 13: Tomcat answers 426 Upgrade Required with {@code Sec-WebSocket-Version: 13} (RFC 6455
     * 4.4), where upstream answers 400 and still accepts 7 and 8.
     */
    @ParameterizedTest(name = "version [{0}]")
    @ValueSource(strings = {"7", "8", "12", "14", "abc", "", "13.0", "013"})
    void unsupportedVersion(String version) throws IOException {
        Wire.Answer a = send(Wire.upgradeRequest("GET", WS, Map.of("Sec-WebSocket-Version", version)));
        assertEquals(426, a.status(), "version '" + version + "': got " + a);
        assertEquals("13", a.header("Sec-WebSocket-Version"), "version '" + version + "': " + a.headers());
    }

    /** A Hixie-76 handshake: 400 naming Hixie. */
    @Test
    void hixie76() throws IOException {
        Map<String, String> h = new HashMap<>();
        h.put("Sec-WebSocket-Version", null);
        h.put("Sec-WebSocket-Key", null);
        h.put("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5");
        h.put("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00");
        Wire.Answer a = send(Wire.upgradeRequest("GET", WS, h) + "^n:ds[4U");
        assertEquals(400, a.status(), "Hixie-76: got " + a);
        assertTrue(a.body().contains("Hixie"), "the body says why: " + a.body());
    }

    /**
     * An upgrade that is not a GET is never upgraded. Observed (the request falls through to the WAR's default
     * servlet): POST 404, PUT/DELETE/PATCH 405, OPTIONS 200, HEAD 404, lower-case "get" and CONNECT 501.
     */
    @ParameterizedTest(name = "method {0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "get", "CONNECT"})
    void otherMethodsNeverUpgrade(String method) throws IOException {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Length", "0");
        Wire.Answer a = send(Wire.upgradeRequest(method, WS, h).getBytes(StandardCharsets.ISO_8859_1),
                !method.equals("HEAD"));
        assertNotEquals(101, a.status(), method + " was upgraded");
        assertTrue(a.status() >= 200 || a.closedWithoutAnswer(), method + ": got " + a);
    }

    /** Random bytes instead of a request: 400 or closed, never 101. */
    @Test
    void garbageBytes() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            byte[] junk = new byte[4096];
            new Random(seed).nextBytes(junk);
            assertRefused(send(junk), "4 KiB of random bytes (seed " + seed + ")");
        }
        byte[] binaryFrame = Frames.frame(0x82, new byte[] {1, 2, 3});
        assertRefused(send(binaryFrame), "a WebSocket frame before any handshake");
    }

    /** A TLS ClientHello on the plain port: 400 (Tomcat reads it as a bad request line), never 101. */
    @Test
    void tlsClientHelloOnPlainPort() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        SSLEngine engine = tls.createSSLEngine("127.0.0.1", port());
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        assertEquals(0x16, hello[0], "a TLS handshake record");
        assertRefused(send(hello), "TLS ClientHello on the plain port");
    }

    // ------------------------------------------------------------------ frames after a valid upgrade

    /**
     * Opens a session (on a fresh connection, waiting for its target so that frames are read), sends {@code attack},
     * and returns the server's close frame. The client then answers the close as RFC 6455 asks (a client that does
     * not is {@link #clientIgnoringTheServersClose its own case}) and the server must close the connection.
     */
    private static WsFrame closeAfter(String what, byte[] attack) throws Exception {
        try (Wire w = upgraded(WS)) {
            w.write(attack);
            WsFrame close = w.readUntilClose();
            w.write(Frames.frame(0x88, Frames.closePayload(close.closeCode(), new byte[0])));
            assertTrue(w.awaitServerClose(30_000), what + ": the server closed with " + close.describe()
                    + " but kept the connection open");
            return close;
        }
    }

    /** A session: the client's connection and the target connection the proxy opened for it. */
    private record Opened(Wire wire, TcpTarget.Conn target) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            wire.close();
        }
    }

    /** A fresh connection upgraded on {@code path} of the echo route, its target connected. */
    private static Wire upgraded(String path) throws Exception {
        return open(path, ECHO).wire();
    }

    /** A fresh connection upgraded on {@code path}, whose route leads to {@code target}, connected. */
    private static Opened open(String path, TcpTarget target) throws Exception {
        Map<String, String> h = path.startsWith("/hostile/b64") ? Map.of("Sec-WebSocket-Protocol", "base64")
                : Map.of();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            int mark = target.mark();
            Wire w = Wire.open(port());
            Wire.Answer a = w.upgrade(path, h);
            if (a.status() == 101) {
                // The session is complete once its target connection is: wait for it, so that attacks meet the bridge.
                return new Opened(w, target.connection(mark, 30));
            }
            w.close();
            // A session of the previous attack may still hold its slot for a moment.
            if (a.status() != 503 || System.nanoTime() > deadline) {
                fail("upgrade on " + path + " refused: " + a);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Reads until the server's close frame, failing at once if the message that should have been refused reached the
     * target whole ({@code whole} bytes) instead. The target is a sink, so no data flows back to the client.
     */
    private static WsFrame refused(Opened o, long whole, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        o.wire().socket().setSoTimeout(100);
        while (true) {
            try {
                WsFrame f = o.wire().readFrame();
                if (f.opcode() == 8) {
                    return f;
                }
            } catch (java.net.SocketTimeoutException e) {
                long got = o.target().received.get();
                if (got >= whole) {
                    return fail(what + ": the whole message (" + got + " bytes) was proxied to the target instead of "
                            + "closing the session with 1009");
                }
                if (System.nanoTime() > deadline) {
                    return fail(what + ": no close after 30 s; the target received " + got + " bytes");
                }
            }
        }
    }

    private static void assertClose(int code, WsFrame close, String what) {
        assertEquals(code, close.closeCode(), what + ": server answered " + close.describe());
    }

    @Test
    void unmaskedFrame1002() throws Exception {
        assertClose(1002, closeAfter("unmasked", Frames.frame(0x82, new byte[] {1, 2, 3}, false)), "unmasked frame");
    }

    /** Every reserved opcode: 1002 (upstream: 1003 "Unsupported: Unknown opcode"). */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcode1002(int opcode) throws Exception {
        assertClose(1002, closeAfter("opcode " + opcode, Frames.frame(0x80 | opcode, new byte[] {1})),
                "reserved opcode 0x" + Integer.toHexString(opcode));
    }

    /** RSV1, RSV2, RSV3 without a negotiated extension: 1002 (upstream does not check them). */
    @ParameterizedTest(name = "rsv bits 0x{0}")
    @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
    void rsvBits1002(int rsv) throws Exception {
        assertClose(1002, closeAfter("rsv", Frames.frame(0x82 | rsv, new byte[] {1, 2})),
                "RSV bits 0x" + Integer.toHexString(rsv));
    }

    /** Ping, pong and close frames with 126 bytes of payload: 1002 (upstream answers a big ping). */
    @ParameterizedTest(name = "control opcode {0}")
    @ValueSource(ints = {8, 9, 10})
    void oversizedControlFrame1002(int opcode) throws Exception {
        byte[] payload = new byte[126];
        if (opcode == 8) {
            payload = Frames.closePayload(1000, new byte[124]);
        }
        assertClose(1002, closeAfter("big control", Frames.frame(0x80 | opcode, payload)),
                "control frame 0x" + Integer.toHexString(opcode) + " with 126 bytes");
    }

    /** Ping, pong and close with FIN=0: 1002 (upstream: 1003 "Unsupported: Fragmented ping"). */
    @ParameterizedTest(name = "fragmented control opcode {0}")
    @ValueSource(ints = {8, 9, 10})
    void fragmentedControlFrame1002(int opcode) throws Exception {
        byte[] payload = opcode == 8 ? Frames.closePayload(1000, new byte[0]) : new byte[] {1};
        assertClose(1002, closeAfter("fragmented control", Frames.frame(opcode, payload)),
                "control frame 0x" + Integer.toHexString(opcode) + " with FIN=0");
    }

    @Test
    void continuationWithoutStart1002() throws Exception {
        assertClose(1002, closeAfter("continuation", Frames.frame(0x80, new byte[] {1})), "continuation without start");
    }

    @Test
    void newDataFrameInsideFragmentedMessage1002() throws Exception {
        byte[] attack = Frames.concat(Frames.frame(0x02, new byte[] {1}), Frames.frame(0x82, new byte[] {2}));
        assertClose(1002, closeAfter("interleaved", attack), "binary frame inside a fragmented message");
    }

    /** A close reason that is not UTF-8: Tomcat answers 1002, as upstream does (RFC 6455 8.1 would also allow 1007). */
    @Test
    void invalidUtf8CloseReason() throws Exception {
        byte[] reason = {(byte) 0xc3, (byte) 0x28, (byte) 0xff};
        assertClose(1002, closeAfter("bad utf-8", Frames.frame(0x88, Frames.closePayload(1000, reason))),
                "close reason with invalid UTF-8");
    }

    @Test
    void closeWithOneBytePayload1002() throws Exception {
        assertClose(1002, closeAfter("1-byte close", Frames.frame(0x88, new byte[] {3})), "close frame of 1 byte");
    }

    /** Codes a client may not send (RFC 6455 7.4): 1002. */
    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void invalidCloseCode1002(int code) throws Exception {
        assertClose(1002, closeAfter("code", Frames.frame(0x88, Frames.closePayload(code, new byte[0]))),
                "close code " + code);
    }

    /** A valid client close is echoed, code and reason: the protocol checks above are not over-eager. */
    @Test
    void validCloseEchoed() throws Exception {
        WsFrame close = closeAfter("valid close", Frames.frame(0x88, Frames.closePayload(4321, Frames.utf8("bye ✓"))));
        assertEquals(4321, close.closeCode(), close.describe());
        assertEquals("bye ✓", close.closeReason(), close.describe());
    }

    /**
     * A frame declaring 2^62 bytes: nothing is allocated for it; its bytes stream to the target until the message
     * passes max-message-size, then 1009. A length with the top bit set is malformed: 1002.
     */
    @Test
    void absurdLengths() throws Exception {
        try (Opened o = open("/hostile/sink", SINK)) {
            byte[] zeroMask = new byte[4]; // a valid masking key that leaves the payload as written
            o.wire().write(Frames.header(0x82, 1L << 62, zeroMask));
            // Stream its bytes until well past the limit (Tomcat hands them on in 8 KiB parts).
            o.wire().writeInBackground(new byte[MAX_MESSAGE * 2]);
            assertClose(1009, refused(o, Long.MAX_VALUE, "2^62"), "64-bit length 2^62");
            assertTrue(o.target().received.get() <= MAX_MESSAGE, "at most max-message-size reached the target, got "
                    + o.target().received.get());
        }
        goodClientIsServed("after a 2^62 length");
        assertClose(1002, closeAfter("2^63", Frames.header(0x82, Long.MIN_VALUE, new byte[4])), "64-bit length with MSB set");
    }

    /** A message over max-message-size, in one frame or in fragments just over the limit: 1009. */
    @Test
    void messageOverLimit1009() throws Exception {
        try (Opened o = open("/hostile/sink", SINK)) {
            o.wire().writeInBackground(Frames.frame(0x82, new byte[MAX_MESSAGE * 2]));
            assertClose(1009, refused(o, MAX_MESSAGE * 2L, "one big frame"), "one frame of 128 KiB");
        }
        byte[] third = new byte[MAX_MESSAGE / 3 + 1000];
        byte[] fragmented = Frames.concat(Frames.frame(0x02, third), Frames.frame(0x00, third),
                Frames.frame(0x80, third));
        try (Opened o = open("/hostile/sink", SINK)) {
            o.wire().writeInBackground(fragmented);
            assertClose(1009, refused(o, 3L * third.length, "fragments"), "three fragments of " + third.length + " bytes");
        }
    }

    /** A message of exactly max-message-size is proxied whole; one byte more is refused with 1009. */
    @Test
    void messageLimitIsExact() throws Exception {
        byte[] exact = new byte[MAX_MESSAGE];
        new Random(9).nextBytes(exact);
        try (Wire w = upgraded(WS)) {
            w.writeInBackground(Frames.frame(0x82, exact));
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            while (back.size() < exact.length) {
                WsFrame f = w.readFrame();
                assertEquals(2, f.opcode(), "echo of a message at the limit: " + f.describe());
                back.writeBytes(f.payload());
            }
            assertArrayEquals(exact, back.toByteArray(), "a message of exactly max-message-size is proxied");
        }
        try (Opened o = open("/hostile/sink", SINK)) {
            o.wire().writeInBackground(Frames.frame(0x82, new byte[MAX_MESSAGE + 1]));
            assertClose(1009, refused(o, MAX_MESSAGE + 1, "limit + 1"), "a message of max-message-size + 1 bytes");
        }
    }

    /** With base64, text messages carry the data: the limit applies to them too. */
    @Test
    void base64MessageOverLimit1009() throws Exception {
        byte[] text = "QUJD".repeat(MAX_MESSAGE / 2).getBytes(StandardCharsets.US_ASCII);
        try (Opened o = open("/hostile/b64", SINK)) {
            o.wire().writeInBackground(Frames.frame(0x81, text));
            assertClose(1009, refused(o, text.length * 3L / 4, "base64"),
                    "a base64 text message of " + text.length + " characters");
        }
    }

    /**
     * The close code reaches a client that reads late: while the target floods a client that has stopped reading for
     * a moment, the client sends a text frame; once it reads again it gets the data already on its way and then close
     * 1003 — not a dropped connection (1006). (Tomcat gives a close with any code but 1000 only 50 ms to be written
     * unless the session sets org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT.)
     */
    @Test
    void closeCodeReachesAClientThatReadsLate() throws Exception {
        try (Opened o = open("/hostile/flood", FLOOD)) {
            Thread.sleep(300); // not reading: the flood fills the connection and a send to the client stays in flight
            o.wire().write(Frames.frame(0x81, Frames.utf8("text")));
            Thread.sleep(300);
            long data = 0;
            WsFrame f;
            try {
                while ((f = o.wire().readFrame()).opcode() != 8) {
                    data += f.payload().length;
                }
            } catch (java.io.EOFException | java.net.SocketException e) {
                throw new AssertionError("after " + data + " bytes of data the server dropped the connection without "
                        + "its close frame (the client sees 1006): " + e);
            }
            assertClose(1003, f, "text frame while the client lagged");
        }
    }

    /**
     * A client that never answers the server's close: its session ends at once (the slot is free again while the
     * connection is still open), and Tomcat drops the connection after its close timeout (WebSocket user property
     * org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT, 30 s by default, checked every 10 s), which
     * {@link #stop()} checks at the end so that the wait overlaps the other attacks.
     */
    @Test
    @Order(1)
    void clientIgnoringTheServersClose() throws Exception {
        silent = upgraded(WS);
        silent.write(Frames.frame(0x81, Frames.utf8("text")));
        assertClose(1003, silent.readUntilClose(), "text frame, close left unanswered");
        // Every other slot of this address can be taken while the silent connection stays open.
        List<Wire> others = new ArrayList<>();
        try {
            for (int i = 1; i < PER_CLIENT; i++) {
                others.add(upgraded(WS));
            }
        } finally {
            for (Wire w : others) {
                w.close();
            }
        }
    }

    @Test
    void textOnBinarySession1003() throws Exception {
        WsFrame close = closeAfter("text", Frames.frame(0x81, Frames.utf8("hello")));
        assertClose(1003, close, "text frame on a binary session");
        assertEquals("Unsupported: Text frames are not supported", close.closeReason());
    }

    /** A text frame that is not UTF-8 on a base64 session: 1007. */
    @Test
    void invalidUtf8Text1007() throws Exception {
        try (Opened o = open("/hostile/b64", SINK)) {
            o.wire().write(Frames.frame(0x81, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}));
            assertClose(1007, o.wire().readUntilClose(), "text frame with invalid UTF-8");
        }
    }

    // ------------------------------------------------------------------ floods and slow clients

    /**
     * One client address opens far more sessions than max-sessions-per-client: exactly the limit is upgraded, every
     * other attempt gets 503 with Retry-After, and meanwhile the good client and a new session from another address
     * are served. When the flood ends its slots come back.
     */
    @Test
    void connectionFloodBeyondPerClientLimit() throws Exception {
        InetAddress flooder = secondLoopbackAddress();
        int others = flooder == null ? 1 : 0; // without a second address the flood shares the good client's limit
        List<Wire> accepted = new ArrayList<>();
        List<Wire.Answer> refused = new ArrayList<>();
        try {
            for (int i = 0; i < PER_CLIENT * 4; i++) {
                Wire w = Wire.open(flooder, port());
                Wire.Answer a = w.upgrade(WS, Map.of());
                if (a.status() == 101) {
                    accepted.add(w);
                } else {
                    refused.add(a);
                    w.close();
                }
                if (i % 5 == 0) {
                    goodClientIsServed("during the flood (" + i + " attempts)");
                }
            }
            assertEquals(PER_CLIENT - others, accepted.size(), "sessions upgraded for the flooding address");
            for (Wire.Answer a : refused) {
                assertEquals(503, a.status(), "beyond the limit: " + a);
                assertEquals("10", a.header("Retry-After"), "503 says when to retry: " + a.headers());
            }
            if (flooder != null) {
                // The limit is per address: 127.0.0.1 still gets a session while 127.0.0.2 is at its limit.
                try (WsClient other = WsClient.connect(URI.create("ws://127.0.0.1:" + port() + WS))) {
                    other.send(new byte[] {7});
                    other.awaitBytes(1, 30);
                }
            }
            goodClientIsServed("with the flood at its limit");
        } finally {
            for (Wire w : accepted) {
                w.close();
            }
        }
        // The flood's slots are given back once its sessions end.
        long deadline = System.nanoTime() + 30_000_000_000L;
        int status;
        do {
            try (Wire w = Wire.open(flooder, port())) {
                status = w.upgrade(WS, Map.of()).status();
            }
        } while (status == 503 && System.nanoTime() < deadline && sleep(50));
        assertEquals(101, status, "a new session after the flood ended");
    }

    /** 127.0.0.2 when this machine routes it to loopback (Linux does), else null. */
    private static InetAddress secondLoopbackAddress() {
        try (ServerSocket probe = new ServerSocket()) {
            InetAddress a = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            probe.bind(new InetSocketAddress(a, 0));
            return a;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    /**
     * Slow-loris: 50 connections trickle an upgrade request byte by byte and then stall before its end. The good
     * client is served all along, and the container's connection timeout closes every one of them; none is upgraded.
     * (Tomcat's connection timeout counts from the last byte received, so a client that keeps trickling is held
     * until its head outgrows maxHttpHeaderSize; see the README.) The embedded container's timeout is lowered
     * through its JMX connector bean for this test, as an operator would, and restored after it.
     */
    @Test
    void slowLorisHandshakesAreDropped() throws Exception {
        try (ConnectorTimeout timeout = ConnectorTimeout.set(port(), 2_000)) {
            byte[] request = Wire.upgradeRequest("GET", WS, Map.of()).getBytes(StandardCharsets.ISO_8859_1);
            List<Wire> loris = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    loris.add(Wire.open(port()));
                }
                // Trickle the first 30 bytes, one byte per connection every 100 ms, the good client talking between.
                for (int b = 0; b < 30; b++) {
                    for (Wire w : loris) {
                        w.write(new byte[] {request[b]});
                    }
                    if (b % 5 == 0) {
                        goodClientIsServed("while 50 slow handshakes trickle (byte " + b + ")");
                    }
                    Thread.sleep(100);
                }
                // Then stall: the server must drop every one of them.
                for (int i = 0; i < loris.size(); i++) {
                    Wire w = loris.get(i);
                    assertTrue(w.awaitServerClose(60_000), "slow handshake #" + i + " is still open 60 s after it "
                            + "stalled (connectionTimeout " + timeout.millis() + " ms)");
                    if (i % 10 == 0) {
                        goodClientIsServed("while slow handshakes are dropped (#" + i + ")");
                    }
                }
            } finally {
                for (Wire w : loris) {
                    w.close();
                }
            }
        }
    }

    /** Sets the HTTP connector's connectionTimeout through JMX and puts the old value back on close. */
    private record ConnectorTimeout(MBeanServer server, ObjectName connector, Object old, int millis)
            implements AutoCloseable {
        static ConnectorTimeout set(int port, int millis) throws javax.management.JMException {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName n : server.queryNames(new ObjectName("*:type=Connector,*"), null)) {
                if (String.valueOf(port).equals(n.getKeyProperty("port"))) {
                    Object old = server.getAttribute(n, "connectionTimeout");
                    server.setAttribute(n, new Attribute("connectionTimeout", millis));
                    return new ConnectorTimeout(server, n, old, millis);
                }
            }
            return fail("no Connector MBean for port " + port + " among "
                    + server.queryNames(new ObjectName("*:type=Connector,*"), null));
        }

        @Override
        public void close() throws javax.management.JMException {
            server.setAttribute(connector, new Attribute("connectionTimeout", old));
        }
    }

    // ------------------------------------------------------------------ odd paths

    /**
     * Dot segments, encoded dots and slashes, doubled slashes and path parameters on the upgrade: each is refused
     * before the upgrade or, when Tomcat normalises it to one of our routes, reaches the echo target that route
     * names. The forbidden target next door is never contacted (checked after every test).
     */
    @ParameterizedTest(name = "path [{0}]")
    @ValueSource(strings = {
        "/hostile/../websockify",
        "/hostile/%2e%2e/websockify",
        "/hostile/%2E%2E/hostile/websockify",
        "/hostile//websockify",
        "//hostile/websockify",
        "/hostile/./websockify",
        "/hostile/websockify/../connect/127.0.0.1/FORBIDDEN",
        "/hostile/connect/127.0.0.1/FORBIDDEN",
        "/hostile/connect/127.0.0.1/ECHO/../FORBIDDEN",
        "/hostile/connect/127.0.0.1/ECHO%2f..%2fFORBIDDEN",
        "/hostile/connect/127.0.0.1/ECHO%2F..%2FFORBIDDEN",
        "/hostile/connect/127.0.0.1/FORBIDDEN;x=ECHO",
        "/hostile/connect/127.0.0.1/ECHO;/../FORBIDDEN",
        "/hostile/connect/127.0.0.1:FORBIDDEN/ECHO",
        "/hostile/connect/127.0.0.1%3aFORBIDDEN/ECHO",
        "/hostile/connect/localhost/FORBIDDEN",
        "/hostile/connect/127.0.0.1/+FORBIDDEN",
        "/hostile/connect/[::ffff:127.0.0.1]/FORBIDDEN",
        "/hostile/connect/127.0.0.1/ECHO?port=FORBIDDEN",
        "/hostile/websockify%00",
        "/hostile/websockify%2f..%2f..%2fconnect",
        "/hostile/%c0%ae%c0%ae/websockify",
        "/hostile/websockify\\..\\connect",
        "/hostile/WEB-INF/web.xml",
    })
    void oddPaths(String template) throws Exception {
        String path = template.replace("FORBIDDEN", String.valueOf(FORBIDDEN.port()))
                .replace("ECHO", String.valueOf(ECHO.port()));
        int mark = ECHO.mark();
        try (Wire w = Wire.open(port())) {
            Wire.Answer a = w.upgrade(path, Map.of());
            if (a.status() != 101) {
                assertTrue(a.status() >= 400 || a.closedWithoutAnswer(), path + ": got " + a);
                assertEquals(mark, ECHO.mark(), path + " refused with " + a + " but a target was contacted");
                return;
            }
            // Upgraded: the session must lead to the echo target.
            ECHO.connection(mark, 30);
            byte[] probe = {1, 2, 3, 4};
            w.write(Frames.frame(0x82, probe));
            WsFrame f = w.readFrame();
            assertArrayEquals(probe, f.payload(), path + " was upgraded and must echo: " + f.describe());
        }
    }
}
