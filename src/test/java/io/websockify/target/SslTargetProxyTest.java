package io.websockify.target;

import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.TlsCertificates;
import io.websockify.testkit.TlsServer;
import io.websockify.testkit.UnixEcho;
import io.websockify.testkit.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@code websockify.ssl-target} through the WAR on Tomcat: a WebSocket client reaches a real TLS echo target whose
 * self-signed certificate is trusted by {@code websockify.ssl-target-trust}; a target with another certificate is
 * refused with upstream's connect-failure close; a Unix-socket target stays plain.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SslTargetProxyTest {
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
    private static final TlsCertificates CERTS = certificates();
    private static final TlsServer GOOD = server(CERTS.good.keyStore());
    private static final TlsServer UNTRUSTED = server(CERTS.other.keyStore());
    private static final UnixEcho UNIX = unixEcho();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        return ProxyWar.create("ssltarget.war", Map.of(
                "websockify.routes", "good,untrusted,unix",
                "websockify.route.good.path", "/good",
                "websockify.route.good.target", "127.0.0.1:" + GOOD.port(),
                "websockify.route.untrusted.path", "/untrusted",
                "websockify.route.untrusted.target", "127.0.0.1:" + UNTRUSTED.port(),
                "websockify.route.unix.path", "/unix",
                "websockify.route.unix.unix-target", UNIX.path().toString(),
                TargetTls.SSL_TARGET, "true",
                TargetTls.TRUST, CERTS.good.pem().toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        GOOD.close();
        UNTRUSTED.close();
        UNIX.close();
    }

    private static TlsCertificates certificates() {
        try {
            return TlsCertificates.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TlsServer server(Path keyStore) {
        try {
            return new TlsServer(keyStore, "TLSv1.3", 0, ECHO);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static UnixEcho unixEcho() {
        try {
            Path dir = Files.createTempDirectory("ssl-target-unix");
            dir.toFile().deleteOnExit();
            return new UnixEcho(dir.resolve("echo.sock"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI ws(String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + path);
    }

    @Test
    void bytesReachATlsTargetAndComeBack() throws Exception {
        byte[] data = new Pattern(5).bytes(1 << 20);
        try (WsClient c = WsClient.connect(ws("good"), "binary")) {
            c.send(data);
            c.awaitBytes(data.length, 30);
            assertArrayEquals(data, c.keptBytes());
            c.close(1000, "");
            assertNotNull(c.awaitClose(10));
        }
        TlsServer.Conn conn = GOOD.next();
        conn.awaitDone();
        assertEquals(null, conn.error, "the target saw a clean TLS close_notify, no error");
    }

    /** As upstream, ssl-target does not apply to Unix sockets: they stay plain and keep working. */
    @Test
    void unixSocketTargetsStayPlain() throws Exception {
        byte[] data = new Pattern(6).bytes(4096);
        try (WsClient c = WsClient.connect(ws("unix"), "binary")) {
            c.send(data);
            c.awaitBytes(data.length, 30);
            assertArrayEquals(data, c.keptBytes());
        }
    }

    @Test
    void anUntrustedTargetIsRefused() throws Exception {
        try (WsClient c = WsClient.connect(ws("untrusted"), "binary")) {
            WsClient.Close close = c.awaitClose(30);
            assertEquals("1011 Failed to connect to downstream server", close.codeAndReason());
        }
    }
}
