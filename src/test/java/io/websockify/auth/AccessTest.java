package io.websockify.auth;

import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may open a session: Origin checks against cross-site WebSocket hijacking, upstream's auth plugins, and the
 * container's own login with allowed roles — each answering with the right status before the upgrade.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessTest {
    private static final TcpTarget ECHO = TcpTarget.started(TcpTarget.echo());
    private static final Path USERS = users();

    @Deployment(name = "origin", testable = false)
    static WebArchive origin() {
        return ProxyWar.create("origin.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.routes", "portal",
                "websockify.route.portal.path", "/portal",
                "websockify.route.portal.target", ECHO.hostPort()));
    }

    @Deployment(name = "listed", testable = false)
    static WebArchive listed() {
        return ProxyWar.create("listed.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.allowed-origins", "https://portal.example.com http://127.0.0.1:1"));
    }

    @Deployment(name = "basic", testable = false)
    static WebArchive basic() {
        return ProxyWar.create("basic.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.auth-plugin", "BasicHTTPAuth", "websockify.auth-source", "Aladdin:open:sesame"));
    }

    @Deployment(name = "expect", testable = false)
    static WebArchive expect() {
        return ProxyWar.create("expect.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.allowed-origins", "*",
                "websockify.auth-plugin", "ExpectOrigin", "websockify.auth-source", "https://a.example https://b.example"));
    }

    @Deployment(name = "certcn", testable = false)
    static WebArchive certcn() {
        return ProxyWar.create("certcn.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.auth-plugin", "ClientCertCNAuth", "websockify.auth-source", "jane"));
    }

    /** The container's login (BASIC, a memory realm) guards the route; only role "vnc" may open sessions. */
    @Deployment(name = "roles", testable = false)
    static WebArchive roles() {
        WebArchive war = ProxyWar.create("roles.war", Map.of("websockify.target", ECHO.hostPort(),
                "websockify.allowed-roles", "vnc"), """
                  <security-constraint>
                    <web-resource-collection><web-resource-name>all</web-resource-name><url-pattern>/*</url-pattern></web-resource-collection>
                    <auth-constraint><role-name>*</role-name></auth-constraint>
                  </security-constraint>
                  <login-config><auth-method>BASIC</auth-method><realm-name>test</realm-name></login-config>
                  <security-role><role-name>vnc</role-name></security-role>
                  <security-role><role-name>other</role-name></security-role>
                """);
        return war.addAsManifestResource(new StringAsset("<Context><Realm className=\"org.apache.catalina.realm.MemoryRealm\" pathname=\""
                + USERS + "\"/></Context>"), "context.xml");
    }

    @AfterAll
    static void stop() throws Exception {
        ECHO.close();
    }


    private static Path users() {
        try {
            Path f = Files.createTempFile("tomcat-users", ".xml");
            Files.writeString(f, """
                    <tomcat-users>
                      <role rolename="vnc"/><role rolename="other"/>
                      <user username="alice" password="wonderland" roles="vnc"/>
                      <user username="bob" password="builder" roles="other"/>
                    </tomcat-users>
                    """);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }


    private static RawWebSocket.Response upgrade(String path, Map<String, String> headers) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            return ws.handshake(path, headers);
        }
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** By default a page from another origin cannot open a session (cross-site WebSocket hijacking). */
    @Test
    void crossOriginRefusedByDefault() throws IOException {
        assertEquals(403, upgrade("/origin/websockify", headers("Origin", "https://evil.example")).status());
        assertEquals(403, upgrade("/origin/portal", headers("Origin", "http://127.0.0.1:" + (TcpTarget.tomcatPort() + 1))).status());
    }

    /** The page served by this server (same host and port) may, and so may clients that send no Origin. */
    @Test
    void sameOriginAndNoOriginAllowedByDefault() throws IOException {
        assertEquals(101, upgrade("/origin/websockify", headers("Origin", "http://127.0.0.1:" + TcpTarget.tomcatPort())).status());
        assertEquals(101, upgrade("/origin/websockify", headers()).status());
    }

    /** An explicit list allows exactly its origins. */
    @Test
    void allowedOriginsList() throws IOException {
        assertEquals(101, upgrade("/listed/websockify", headers("Origin", "https://portal.example.com")).status());
        assertEquals(403, upgrade("/listed/websockify", headers("Origin", "https://portal.example.com.evil")).status());
        assertEquals(403, upgrade("/listed/websockify", headers("Origin", "http://127.0.0.1:" + TcpTarget.tomcatPort())).status());
    }

    /** BasicHTTPAuth: 401 with a challenge, 403 for another scheme or garbage, 101 with the right password. */
    @Test
    void basicHttpAuth() throws IOException {
        RawWebSocket.Response none = upgrade("/basic/websockify", headers());
        assertEquals(401, none.status());
        assertEquals("Basic realm=\"Websockify\"", none.header("WWW-Authenticate"));
        assertEquals(401, upgrade("/basic/websockify", headers("Authorization", basic("Aladdin:wrong"))).status());
        assertEquals(403, upgrade("/basic/websockify", headers("Authorization", "Bearer abc")).status());
        assertEquals(403, upgrade("/basic/websockify", headers("Authorization", "Basic abc")).status());
        assertEquals(403, upgrade("/basic/websockify", headers("Authorization", basic("nocolon"))).status());
        assertEquals(101, upgrade("/basic/websockify", headers("Authorization", basic("Aladdin:open:sesame"))).status());
    }

    /** ExpectOrigin: exactly the listed origins. */
    @Test
    void expectOrigin() throws IOException {
        assertEquals(101, upgrade("/expect/websockify", headers("Origin", "https://b.example")).status());
        assertEquals(403, upgrade("/expect/websockify", headers("Origin", "https://c.example")).status());
        assertEquals(403, upgrade("/expect/websockify", headers()).status());
    }

    /** ClientCertCNAuth cannot be fooled by a header on a plain connection (upstream can). */
    @Test
    void clientCertCnIgnoresSpoofedHeaders() throws IOException {
        assertEquals(403, upgrade("/certcn/websockify", headers("SSL_CLIENT_S_DN_CN", "jane")).status());
        assertEquals(403, upgrade("/certcn/websockify", headers("ssl_client_s_dn_cn", "jane")).status());
    }

    /** Container login: no credentials 401, a user without the role 403, a user with it 101 and the user is known. */
    @Test
    void containerLoginAndRoles() throws IOException {
        assertEquals(401, upgrade("/roles/websockify", headers()).status());
        assertEquals(403, upgrade("/roles/websockify", headers("Authorization", basic("bob:builder"))).status());
        assertEquals(101, upgrade("/roles/websockify", headers("Authorization", basic("alice:wonderland"))).status());
        assertTrue(Files.exists(USERS));
    }
}
