package io.websockify.endpoint;

import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the upgrade answers, header by header, on the WAR in Tomcat. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandshakeTest {
    private static final TcpTarget ECHO = TcpTarget.started(TcpTarget.echo());

    @Deployment(name = "handshake", testable = false)
    static WebArchive war() {
        return ProxyWar.create("handshake.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.path", "/websockify,/vnc/{token}"));
    }

    @Deployment(name = "deflate", testable = false)
    static WebArchive deflate() {
        return ProxyWar.create("deflate.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.permessage-deflate", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        ECHO.close();
    }



    private static RawWebSocket.Response upgrade(String path, Map<String, String> headers) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            return ws.handshake("/handshake" + path, headers);
        }
    }

    /** The offered subprotocol list decides the answer; spaces after commas are allowed. */
    @ParameterizedTest(name = "offered [{0}] -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "binary|101|binary",
        "binary, base64|101|binary",
        "binary,base64|101|binary",
        "base64, binary|101|binary",
        "base64,binary|101|binary",
        "base64|101|base64",
        "foo, binary|101|binary",
        "foo|400|",
        "foo, bar|400|",
    })
    void subprotocolTable(String offered, int status, String chosen) throws IOException {
        RawWebSocket.Response r = upgrade("/websockify", Map.of("Sec-WebSocket-Protocol", offered));
        assertEquals(status, r.status(), r.statusLine());
        assertEquals(chosen, r.header("Sec-WebSocket-Protocol"));
    }

    /** Nothing offered (today's noVNC): 101 without a protocol header. */
    @Test
    void noProtocolOfferedNoProtocolHeader() throws IOException {
        RawWebSocket.Response r = upgrade("/websockify", Map.of());
        assertEquals(101, r.status());
        assertNull(r.header("Sec-WebSocket-Protocol"));
    }

    /** permessage-deflate is declined by default even when the browser offers it. */
    @Test
    void permessageDeflateDeclinedByDefault() throws IOException {
        RawWebSocket.Response r = upgrade("/websockify",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
        assertEquals(101, r.status());
        assertNull(r.header("Sec-WebSocket-Extensions"));
    }

    /** The setting turns permessage-deflate on, and compressed messages still echo byte for byte. */
    @Test
    void permessageDeflateWhenEnabled() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            RawWebSocket.Response r = ws.handshake("/deflate/websockify",
                    Map.of("Sec-WebSocket-Extensions", "permessage-deflate"));
            assertEquals(101, r.status());
            assertTrue(r.header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"),
                    r.header("Sec-WebSocket-Extensions"));
            // "Hello" compressed with no context takeover (RFC 7692 section 7.2.3.1), RSV1 set.
            byte[] hello = {(byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0x00};
            ws.sendFrame(true, 0x42, hello, true);
            WsFrame f = ws.readFrame();
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            byte[] in = java.util.Arrays.copyOf(f.payload(), f.payload().length + 4);
            in[in.length - 3] = 0;
            in[in.length - 2] = (byte) 0xff;
            in[in.length - 1] = (byte) 0xff;
            inflater.setInput(in);
            byte[] out = new byte[64];
            int n = inflater.inflate(out);
            assertEquals("Hello", new String(out, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** A Hixie-76 handshake (no version, two keys) gets 400 with a reason. */
    @Test
    void hixieRefusedWith400() throws IOException {
        Map<String, String> h = new HashMap<>();
        h.put("Sec-WebSocket-Version", null);
        h.put("Sec-WebSocket-Key", null);
        h.put("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5");
        h.put("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00");
        h.put("Origin", "http://example.com");
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            RawWebSocket.Response r = ws.handshake("/handshake/websockify", h);
            assertEquals(400, r.status());
            assertTrue(ws.readBody(r).contains("Hixie"), "the body says why");
        }
    }

    /** A path template with a parameter is a route too. */
    @Test
    void pathTemplateRouteUpgrades() throws IOException {
        assertEquals(101, upgrade("/vnc/abc", Map.of()).status());
        assertEquals(400, upgrade("/vnc/abc", Map.of("Sec-WebSocket-Protocol", "chat")).status());
    }

    /** Paths that are not routes are not upgraded in a WAR. */
    @Test
    void otherPathsAreNotUpgradedInTheWar() throws IOException {
        assertEquals(404, upgrade("/elsewhere", Map.of()).status());
    }
}
