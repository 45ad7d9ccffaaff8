package io.websockify.endpoint;

import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsClient;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each limit answers clearly, and the session it protects others from is the only one that suffers. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LimitsTest {
    private static final TcpTarget ECHO = TcpTarget.started(TcpTarget.echo());

    @Deployment(name = "perclient", testable = false)
    static WebArchive perClient() {
        return ProxyWar.create("perclient.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.max-sessions-per-client", "2"));
    }

    @Deployment(name = "total", testable = false)
    static WebArchive total() {
        return ProxyWar.create("total.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.max-sessions", "3"));
    }

    @Deployment(name = "timeouts", testable = false)
    static WebArchive timeouts() {
        return ProxyWar.create("timeouts.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.heartbeat", "0.3",
                "websockify.max-message-size", "65536",
                "websockify.routes", "idle",
                "websockify.route.idle.path", "/idle",
                "websockify.route.idle.target", ECHO.hostPort()));
    }

    @Deployment(name = "idle", testable = false)
    static WebArchive idle() {
        return ProxyWar.create("idle.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.session-idle-timeout", "0.5s"));
    }

    @AfterAll
    static void stop() throws Exception {
        ECHO.close();
    }



    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + TcpTarget.tomcatPort() + path);
    }

    private static int status(String path) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            return ws.handshake(path, Map.of()).status();
        }
    }

    /** A client past its own limit gets 503; when one of its sessions ends, it may open another. */
    @Test
    void perClientLimit503() throws Exception {
        try (WsClient a = WsClient.connect(ws("/perclient/websockify"))) {
            List<WsClient> open = new ArrayList<>();
            try {
                open.add(WsClient.connect(ws("/perclient/websockify")));
                assertEquals(503, status("/perclient/websockify"));
            } finally {
                for (WsClient c : open) {
                    c.close(1000, "");
                    c.awaitClose(10);
                }
            }
            // The slot came back once the session ended: a new one is accepted.
            int s = 0;
            for (int i = 0; i < 100 && s != 101; i++) {
                s = status("/perclient/websockify");
                Thread.sleep(20);
            }
            assertEquals(101, s);
        }
    }

    /** The server past its overall limit gets 503. */
    @Test
    void totalLimit503() throws Exception {
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(WsClient.connect(ws("/total/websockify")));
            }
            assertEquals(503, status("/total/websockify"));
        } finally {
            for (WsClient c : open) {
                c.close();
            }
        }
    }

    /** A client that never answers pings is closed with 1001 and its target connection is closed. */
    @Test
    void heartbeatClosesSilentClients() throws Exception {
        int mark = ECHO.mark();
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            assertEquals(101, ws.handshake("/timeouts/websockify", Map.of()).status());
            TcpTarget.Conn conn = ECHO.connection(mark, 10);
            WsFrame f;
            int pings = 0;
            do {
                f = ws.readFrame();
                if (f.opcode() == 9) {
                    pings++;
                }
            } while (f.opcode() != 8);
            assertEquals(1, pings, "one ping, unanswered, then the close");
            assertEquals(1001, f.closeCode());
            assertTrue(f.closeReason().contains("Heartbeat"), f.closeReason());
            assertTrue(conn.awaitDone(10), "target connection closed");
        }
    }

    /** A client that answers pings (the JDK client does) keeps its session across many heartbeats. */
    @Test
    void heartbeatKeepsAnsweringClients() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            assertEquals(101, ws.handshake("/timeouts/websockify", Map.of()).status());
            for (int pings = 0; pings < 5; ) {
                WsFrame f = ws.readFrame();
                assertTrue(f.opcode() == 9, "only pings arrive while idle, got opcode " + f.opcode());
                pings++;
                ws.sendFrame(true, 10, f.payload(), true);
            }
            ws.sendBinary(new byte[] {42});
            WsFrame echo;
            do {
                echo = ws.readFrame();
                if (echo.opcode() == 9) {
                    ws.sendFrame(true, 10, echo.payload(), true);
                }
            } while (echo.opcode() == 9);
            assertEquals(2, echo.opcode());
            assertEquals(42, echo.payload()[0]);
        }
    }

    /** A message larger than the limit closes the session with 1009. */
    @Test
    void oversizedMessage1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            assertEquals(101, ws.handshake("/timeouts/idle", Map.of()).status());
            ws.sendBinary(new byte[100_000]);
            WsFrame f;
            do {
                f = ws.readFrame();
                if (f.opcode() == 9) {
                    ws.sendFrame(true, 10, f.payload(), true);
                }
            } while (f.opcode() != 8);
            assertEquals(1009, f.closeCode());
        }
    }

    /** A session with no traffic for the idle timeout is closed, and so is its target connection. */
    @Test
    void idleSessionClosed() throws Exception {
        int mark = ECHO.mark();
        try (WsClient c = WsClient.connect(ws("/idle/websockify"))) {
            TcpTarget.Conn conn = ECHO.connection(mark, 10);
            WsClient.Close close = c.awaitClose(30);
            assertTrue(close.code() == 1001 || close.code() == 1000, "closed: " + close);
            assertTrue(conn.awaitDone(10), "target connection closed");
        }
    }
}
