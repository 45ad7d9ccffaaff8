package io.websockify.route;

import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.UnixEcho;
import io.websockify.testkit.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Routes pick targets per connection — by token (path, query, cookie, Host), by allow-listed host and port, or a
 * Unix socket — and refuse before the upgrade, without contacting any target, when they cannot.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RoutingTest {
    private static final TcpTarget A = echo(InetAddress.getLoopbackAddress());
    private static final TcpTarget B = echo(InetAddress.getLoopbackAddress());
    private static final TcpTarget V6 = echo(v6());
    private static final Path DIR = tempDir();
    private static final UnixEcho UNIX = unixEcho();

    @Deployment(testable = false)
    static WebArchive war() {
        Map<String, String> p = new HashMap<>();
        p.put("websockify.target", A.hostPort());
        p.put("websockify.routes", "tok,host,direct,unix,v6,gone");
        p.put("websockify.route.tok.path", "/tok,/tok/{token}");
        p.put("websockify.route.tok.token-plugin", FixedTokensPlugin.class.getName());
        p.put("websockify.route.tok.token-source", "a=" + A.hostPort() + ";b=" + B.hostPort()
                + ";with space=" + B.hostPort() + ";u=unix_socket:" + UNIX.path());
        p.put("websockify.route.host.path", "/byhost");
        p.put("websockify.route.host.token-plugin", FixedTokensPlugin.class.getName());
        p.put("websockify.route.host.token-source", "vnc-b.example=" + B.hostPort());
        p.put("websockify.route.host.host-token", "true");
        p.put("websockify.route.direct.path", "/connect/{host}/{port}");
        p.put("websockify.route.direct.allow-hosts", "127.0.0.1/32, localhost");
        p.put("websockify.route.direct.allow-ports", String.valueOf(A.port()));
        p.put("websockify.route.unix.path", "/unix");
        p.put("websockify.route.unix.unix-target", UNIX.path().toString());
        p.put("websockify.route.v6.path", "/v6");
        p.put("websockify.route.v6.target", V6 == null ? "[::1]:9" : V6.hostPort());
        p.put("websockify.route.gone.path", "/gone");
        p.put("websockify.route.gone.target", "unix_socket:" + DIR.resolve("missing.sock"));
        return ProxyWar.create("routing.war", p);
    }

    @AfterAll
    static void stop() throws Exception {
        A.close();
        B.close();
        if (V6 != null) {
            V6.close();
        }
        UNIX.close();
    }

    private static TcpTarget echo(InetAddress bind) {
        if (bind == null) {
            return null;
        }
        try {
            return new TcpTarget(TcpTarget.echo(), bind);
        } catch (IOException e) {
            return null;
        }
    }

    private static InetAddress v6() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            return null;
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("routing");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UnixEcho unixEcho() {
        try {
            return new UnixEcho(DIR.resolve("echo.sock"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }


    private static URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + TcpTarget.tomcatPort() + "/routing" + pathAndQuery);
    }

    private static RawWebSocket.Response upgrade(String pathAndQuery, Map<String, String> headers) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            return ws.handshake("/routing" + pathAndQuery, headers);
        }
    }

    /** Echoes one message through the session and returns the number of connections {@code t} has seen. */
    private static void echoThrough(String pathAndQuery) throws Exception {
        try (WsClient c = WsClient.connect(ws(pathAndQuery))) {
            byte[] data = new Pattern(pathAndQuery.hashCode()).bytes(4096);
            c.send(data);
            c.awaitBytes(data.length, 20);
            assertArrayEquals(data, c.keptBytes());
        }
    }

    private static void assertReaches(TcpTarget t, String pathAndQuery) throws Exception {
        int before = t.connections().size();
        echoThrough(pathAndQuery);
        assertEquals(before + 1, t.connections().size(), pathAndQuery + " reached the expected target");
    }

    /** Waits (bounded) until {@code t} has seen {@code n} connections; fails if it saw more or never got there. */
    private static void awaitConnections(TcpTarget t, int n) throws InterruptedException {
        for (int i = 0; i < 200 && t.connections().size() < n; i++) {
            Thread.sleep(50);
        }
        assertEquals(n, t.connections().size());
    }

    @Test
    void tokenFromPathParameter() throws Exception {
        assertReaches(B, "/tok/b");
        assertReaches(A, "/tok/a");
    }

    @Test
    void tokenFromQueryParameterUrlDecoded() throws Exception {
        assertReaches(B, "/tok?token=b");
        assertReaches(B, "/tok?x=1&token=with%20space");
        assertReaches(B, "/tok?token=with+space");
    }

    @Test
    void pathParameterWinsOverQuery() throws Exception {
        assertReaches(A, "/tok/a?token=b");
    }

    @Test
    void tokenFromCookie() throws Exception {
        int before = B.connections().size();
        assertEquals(101, upgrade("/tok", Map.of("Cookie", "other=1; token=b")).status());
        awaitConnections(B, before + 1);
    }

    @Test
    void tokenFromHostHeader() throws Exception {
        int before = B.connections().size();
        assertEquals(101, upgrade("/byhost", Map.of("Host", "vnc-b.example:6080")).status());
        awaitConnections(B, before + 1);
        assertEquals(404, upgrade("/byhost", Map.of("Host", "other.example")).status());
    }

    @Test
    void unknownOrMissingToken404WithoutContactingATarget() throws Exception {
        int a = A.connections().size();
        int b = B.connections().size();
        assertEquals(404, upgrade("/tok/nope", Map.of()).status());
        assertEquals(404, upgrade("/tok", Map.of()).status());
        assertEquals(404, upgrade("/tok?token=", Map.of()).status());
        assertEquals(a, A.connections().size());
        assertEquals(b, B.connections().size());
    }

    @Test
    void failingTokenSource503() throws Exception {
        assertEquals(503, upgrade("/tok/broken", Map.of()).status());
        assertReaches(A, "/tok/a");
    }

    @Test
    void tokenResolvingToUnixSocket() throws Exception {
        int before = UNIX.connections.get();
        echoThrough("/tok/u");
        assertEquals(before + 1, UNIX.connections.get());
    }

    @Test
    void directRouteWithinAllowList() throws Exception {
        assertReaches(A, "/connect/127.0.0.1/" + A.port());
        assertReaches(A, "/connect/localhost/" + A.port());
    }

    @Test
    void directRouteOutsideAllowList403() throws Exception {
        int before = B.connections().size();
        assertEquals(403, upgrade("/connect/127.0.0.1/" + B.port(), Map.of()).status());
        assertEquals(403, upgrade("/connect/127.0.0.2/" + A.port(), Map.of()).status());
        assertEquals(403, upgrade("/connect/10.0.0.1/" + A.port(), Map.of()).status());
        assertEquals(403, upgrade("/connect/::1/" + A.port(), Map.of()).status());
        assertEquals(403, upgrade("/connect/%5B::1%5D/" + A.port(), Map.of()).status());
        assertEquals(400, upgrade("/connect/127.0.0.1/99999", Map.of()).status());
        assertEquals(400, upgrade("/connect/127.0.0.1/abc", Map.of()).status());
        assertEquals(before, B.connections().size());
    }

    @Test
    void unixTargetCarriesDataBothWays() throws Exception {
        int size = 8 << 20;
        try (WsClient c = WsClient.connect(ws("/unix"))) {
            Pattern p = new Pattern(77);
            for (int sent = 0; sent < size; sent += 64 * 1024) {
                c.send(p.bytes(64 * 1024));
            }
            c.awaitBytes(size, 60);
            assertEquals(Pattern.digestOf(77, size), c.sha256());
        }
    }

    @Test
    void missingUnixSocket1011() throws Exception {
        try (WsClient c = WsClient.connect(ws("/gone"))) {
            assertEquals("1011 Failed to connect to downstream server", c.awaitClose(20).codeAndReason());
        }
    }

    @Test
    void ipv6Target() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(V6 != null, "no IPv6 loopback on this machine");
        assertReaches(V6, "/v6");
    }

    @Test
    void staticDefaultRouteStillWorks() throws Exception {
        assertReaches(A, "/websockify");
    }
}
