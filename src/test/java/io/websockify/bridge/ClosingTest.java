package io.websockify.bridge;

import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsClient;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a session ends, with the exact close code and reason, and no byte lost before it. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClosingTest {
    private static final TcpTarget TARGET = TcpTarget.started(TcpTarget.hold());
    private static final int UNREACHABLE_PORT = freePort();

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "closing", testable = false)
    static WebArchive closing() {
        return ProxyWar.create("closing.war", Map.of("websockify.target", TARGET.hostPort()));
    }

    @Deployment(name = "unreachable", testable = false)
    static WebArchive unreachable() {
        return ProxyWar.create("unreachable.war", Map.of("websockify.target", "127.0.0.1:" + UNREACHABLE_PORT,
                "websockify.connect-timeout", "5s"));
    }

    @Deployment(name = "undeployed", testable = false, managed = false)
    static WebArchive undeployed() {
        return ProxyWar.create("undeployed.war", Map.of("websockify.target", TARGET.hostPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        TARGET.close();
    }


    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static URI ws(String context) {
        return URI.create("ws://127.0.0.1:" + System.getProperty("tomcat.http.port", "18080") + "/" + context
                + "/websockify");
    }

    /** Target closes: every byte it sent reaches the client, then close 1000 "Target closed". */
    @Test
    void targetCloseDeliversEverythingThen1000() throws Exception {
        int size = 3 << 20;
        TARGET.setBehaviour(TcpTarget.sendThenClose(new Pattern(7).bytes(size)));
        try (WsClient c = WsClient.connect(ws("closing"))) {
            WsClient.Close close = c.awaitClose(30);
            assertEquals("1000 Target closed", close.codeAndReason());
            assertEquals(size, close.receivedBefore(), "all bytes arrived before the close frame");
            assertEquals(Pattern.digestOf(7, size), c.sha256());
        }
    }

    /** Client closes: what it sent reaches the target, then the target sees end of stream; code and reason echoed. */
    @Test
    void clientCloseDeliversDataThenEofAndEchoes() throws Exception {
        int mark = TARGET.mark();
        TARGET.setBehaviour(TcpTarget.hold());
        int size = 2 << 20;
        try (WsClient c = WsClient.connect(ws("closing"))) {
            TcpTarget.Conn conn = TARGET.connection(mark, 10);
            Pattern p = new Pattern(11);
            for (int sent = 0; sent < size; sent += 64 * 1024) {
                c.send(p.bytes(64 * 1024));
            }
            c.close(4001, "done here");
            assertEquals("4001 done here", c.awaitClose(10).codeAndReason());
            assertTrue(conn.awaitDone(10), "target saw end of stream");
            assertTrue(conn.sawEof);
            assertEquals(size, conn.received.get());
            assertEquals(Pattern.digestOf(11, size), conn.receivedSha);
        }
    }

    /** Target unreachable: the upgrade succeeds, then close 1011 with upstream's text. */
    @Test
    void unreachableTargetCloses1011() throws Exception {
        try (WsClient c = WsClient.connect(ws("unreachable"))) {
            assertEquals("1011 Failed to connect to downstream server", c.awaitClose(30).codeAndReason());
        }
    }

    /** Target resets mid-session: close 1011 with a reason, after the bytes that had arrived. */
    @Test
    void targetResetCloses1011WithReason() throws Exception {
        byte[] data = new Pattern(5).bytes(64 * 1024);
        TARGET.setBehaviour(TcpTarget.sendThenReset(data));
        try (WsClient c = WsClient.connect(ws("closing"))) {
            WsClient.Close close = c.awaitClose(30);
            assertEquals(1011, close.code());
            assertTrue(close.reason().startsWith("Target connection lost"), close.reason());
            byte[] got = c.keptBytes();
            assertArrayEquals(Arrays.copyOf(data, got.length), got, "what arrived is the start of what was sent");
        }
    }

    /** A text frame on a binary session: close 1003, and the target connection is closed. */
    @Test
    void textFrameOnBinarySessionCloses1003() throws Exception {
        int mark = TARGET.mark();
        TARGET.setBehaviour(TcpTarget.hold());
        try (WsClient c = WsClient.connect(ws("closing"), "binary")) {
            TcpTarget.Conn conn = TARGET.connection(mark, 10);
            c.send(new byte[] {1, 2, 3});
            c.sendText("hello");
            assertEquals("1003 Unsupported: Text frames are not supported", c.awaitClose(10).codeAndReason());
            assertTrue(conn.awaitDone(10), "target connection closed");
            assertEquals(3, conn.received.get(), "binary data before the text frame still reached the target");
        }
    }

    /**
     * Undeploy with a client that reads the 1001 but never answers it: the server still ends the connection (it
     * does not keep a socket of a stopped application open for the client's sake), and the target socket is closed.
     * Built-in engine only: Tomcat's own WebSocket implementation waits for the client's close frame indefinitely.
     */
    @Test
    @Tag("builtin-engine")
    void undeployEndsConnectionsWhoseClientNeverAnswersTheClose() throws Exception {
        int mark = TARGET.mark();
        TARGET.setBehaviour(TcpTarget.hold());
        deployer.deploy("undeployed");
        boolean deployed = true;
        int port = Integer.parseInt(System.getProperty("tomcat.http.port", "18080"));
        try (RawWebSocket raw = RawWebSocket.open("127.0.0.1", port, 0)) {
            assertEquals(101, raw.handshake("/undeployed/websockify", Map.of()).status());
            TcpTarget.Conn conn = TARGET.connection(mark, 10);
            deployer.undeploy("undeployed");
            deployed = false;
            WsFrame f = raw.readFrame();
            while (f.opcode() != 8) {
                f = raw.readFrame();
            }
            assertEquals(1001, f.closeCode());
            // No close frame goes back. The connection must end anyway: end of stream or a reset.
            boolean ended;
            try {
                ended = raw.input().read() < 0;
            } catch (SocketException e) {
                ended = true;
            }
            assertTrue(ended, "the server kept the connection open");
            assertTrue(conn.awaitDone(10), "target socket closed");
        } finally {
            if (deployed) {
                deployer.undeploy("undeployed");
            }
        }
    }

    /** Undeploy closes every session with 1001 and every target socket. */
    @Test
    void undeployCloses1001() throws Exception {
        int mark = TARGET.mark();
        TARGET.setBehaviour(TcpTarget.hold());
        deployer.deploy("undeployed");
        boolean deployed = true;
        try (WsClient a = WsClient.connect(ws("undeployed")); WsClient b = WsClient.connect(ws("undeployed"))) {
            TcpTarget.Conn ca = TARGET.connection(mark, 10);
            TcpTarget.Conn cb = TARGET.connection(mark + 1, 10);
            deployer.undeploy("undeployed");
            deployed = false;
            assertEquals(1001, a.awaitClose(20).code());
            assertEquals(1001, b.awaitClose(20).code());
            assertTrue(ca.awaitDone(10) && cb.awaitDone(10), "both target sockets closed");
        } finally {
            if (deployed) {
                deployer.undeploy("undeployed");
            }
        }
    }
}
