package io.websockify.bridge;

import io.websockify.testkit.Frames;
import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsClient;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes go through the WAR on Tomcat unchanged, in order, both ways, for every subprotocol mode. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BridgeDataTest {
    private static final TcpTarget ECHO = start(TcpTarget.echo());

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        return ProxyWar.create("data.war", Map.of("websockify.target", ECHO.hostPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        ECHO.close();
    }

    static TcpTarget start(TcpTarget.Behaviour b) {
        try {
            return new TcpTarget(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI ws(String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + path);
    }

    /** With {@code binary} offered, the server picks it and echoes binary data. */
    @Test
    void echoesWithBinaryProtocol() throws Exception {
        try (WsClient c = WsClient.connect(ws("websockify"), "binary")) {
            assertEquals("binary", c.subprotocol());
            byte[] data = new Pattern(1).bytes(1000);
            c.send(data);
            c.awaitBytes(data.length, 20);
            assertArrayEquals(data, c.keptBytes());
        }
    }

    /** With no protocol offered (today's noVNC), no protocol is chosen and binary data flows. */
    @Test
    void echoesWithoutProtocol() throws Exception {
        try (WsClient c = WsClient.connect(ws("websockify"))) {
            assertEquals("", c.subprotocol());
            byte[] data = new Pattern(2).bytes(70_000);
            c.send(data);
            c.awaitBytes(data.length, 20);
            assertArrayEquals(data, c.keptBytes());
        }
    }

    /** With only {@code base64} offered, data travels as base64 text both ways. */
    @Test
    void echoesWithBase64Protocol() throws Exception {
        try (WsClient c = WsClient.connect(ws("websockify"), "base64")) {
            assertEquals("base64", c.subprotocol());
            byte[] data = new Pattern(3).bytes(5000);
            // Two text messages whose split falls inside a base64 quantum of the concatenation is not
            // allowed by the format, so send two independently encoded halves.
            c.sendText(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(data, 2500)));
            c.sendText(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(data, 2500, 5000)));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (got.size() < data.length && System.nanoTime() < deadline) {
                got.reset();
                for (String t : c.texts()) {
                    got.write(Base64.getDecoder().decode(t));
                }
                Thread.sleep(10);
            }
            assertArrayEquals(data, got.toByteArray());
            assertEquals(0, c.received(), "no binary frames on a base64 session");
        }
    }

    /** 64 MiB client → target → client arrives complete and unchanged (SHA-256). */
    @Test
    void sixtyFourMebibytesBothWaysAtOnce() throws Exception {
        long total = 64L << 20;
        try (WsClient c = WsClient.connect(ws("websockify"), "binary")) {
            Pattern p = new Pattern(42);
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += chunk.length) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(chunk);
                p.fill(b);
                c.send(chunk);
            }
            c.awaitBytes(total, 120);
            assertEquals(total, c.received());
            assertEquals(Pattern.digestOf(42, total), c.sha256());
        }
        TcpTarget.Conn conn = ECHO.connections().get(ECHO.connections().size() - 1);
        assertTrue(conn.awaitDone(20), "target saw the end of the stream");
        assertEquals(Pattern.digestOf(42, total), conn.receivedSha);
    }

    /**
     * Frames that arrive in the same write as the upgrade request (so the container has already read them with the
     * request) are forwarded, then the connection goes on as usual.
     */
    @Test
    void framesSentWithTheUpgradeRequestAreForwarded() throws Exception {
        byte[] first = new Pattern(7).bytes(3000);
        byte[] second = new Pattern(8).bytes(100);
        String key = Base64.getEncoder().encodeToString(new Pattern(9).bytes(16));
        String request = "GET /data/websockify HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n";
        try (RawWebSocket raw = RawWebSocket.open("127.0.0.1", base.getPort(), 0)) {
            raw.writeRaw(Frames.concat(request.getBytes(StandardCharsets.ISO_8859_1), Frames.frame(0x82, first)));
            assertEquals(101, raw.readResponse().status());
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            while (echoed.size() < first.length) {
                WsFrame f = raw.readFrame();
                assertEquals(2, f.opcode());
                echoed.writeBytes(f.payload());
            }
            assertArrayEquals(first, echoed.toByteArray());
            raw.sendBinary(second);
            echoed.reset();
            while (echoed.size() < second.length) {
                echoed.writeBytes(raw.readFrame().payload());
            }
            assertArrayEquals(second, echoed.toByteArray());
        }
    }

    /** Many small messages keep their order. */
    @Test
    void smallMessagesKeepTheirOrder() throws Exception {
        try (WsClient c = WsClient.connect(ws("websockify"))) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int i = 0; i < 5000; i++) {
                byte[] m = ("m" + i + ";").getBytes(StandardCharsets.US_ASCII);
                expected.write(m);
                c.socket().sendBinary(java.nio.ByteBuffer.wrap(m), true).get(10, TimeUnit.SECONDS);
            }
            c.awaitBytes(expected.size(), 30);
            assertEquals(expected.toString(StandardCharsets.US_ASCII),
                    new String(c.keptBytes(), StandardCharsets.US_ASCII));
        }
    }

    /** 100 sessions at once, each with its own data, each gets exactly its own bytes back. */
    @Test
    void hundredConcurrentSessions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long seed = 1000 + i;
                results.add(pool.submit((Callable<String>) () -> {
                    int size = 256 * 1024;
                    try (WsClient c = WsClient.connect(ws("websockify"), "binary")) {
                        Pattern p = new Pattern(seed);
                        for (int sent = 0; sent < size; sent += 16 * 1024) {
                            c.send(p.bytes(16 * 1024));
                        }
                        c.awaitBytes(size, 60);
                        byte[] expected = new Pattern(seed).bytes(size);
                        byte[] got = c.keptBytes();
                        int at = java.util.Arrays.mismatch(expected, got);
                        return at < 0 ? "ok" : "session " + seed + " differs at byte " + at + " of " + got.length
                                + " (received " + c.received() + " in " + c.messageCount() + " messages)";
                    }
                }));
            }
            for (Future<String> f : results) {
                assertEquals("ok", f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
