package io.websockify.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.UnixEcho;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Every built-in token plugin behind one deployed WAR, against real sources (files and directories written here, a
 * JDK HTTP server, keys generated here, a real redis-server, real Unix sockets), checked through real WebSocket
 * connections: a known token reaches the right one of two echo targets, an unknown one gets 404 before the upgrade
 * and no target is contacted, a source that cannot answer gets 503 while other routes keep serving.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TokenPluginsOverWebSocketTest {
    private static final String CONTEXT = "/tokens";

    private static TcpTarget a;
    private static TcpTarget b;
    private static Path root;
    private static Path tokenDir;
    private static UnixEcho unixEcho;
    /** A socket beside the socket directory, in a sibling whose name starts like it (upstream's escape). */
    private static UnixEcho unixOutside;
    private static HttpServer api;
    private static ExecutorService apiThreads;
    private static byte[] hmacSecret;
    private static KeyPair rsa;
    private static RedisServer redis;
    private static int redisPort;

    @Deployment(testable = false)
    static WebArchive war() throws Exception {
        a = new TcpTarget(TcpTarget.echo());
        b = new TcpTarget(TcpTarget.echo());
        root = Files.createTempDirectory("token-ws").toRealPath();
        Map<String, String> p = new HashMap<>();
        p.put("websockify.routes", "tf,ro,tfn,api,json,jwt,jwtrsa,redis,uds");

        // TokenFile and ReadOnlyTokenFile read the same directory, so an edit shows what each one does with it.
        Path socks = Files.createDirectory(root.resolve("socks"));
        unixEcho = new UnixEcho(socks.resolve("vm"));
        unixOutside = new UnixEcho(Files.createDirectory(root.resolve("socks2")).resolve("x.sock"));
        Files.createSymbolicLink(socks.resolve("link-out"), unixOutside.path());
        tokenDir = Files.createDirectory(root.resolve("tokens"));
        Files.writeString(tokenDir.resolve("a.cfg"), "# targets of the test\n\nvm-a: " + a.hostPort()
                + "\n  vm-b:\t" + b.hostPort() + "\nsock: unix_socket:" + unixEcho.path() + "\n");
        Files.writeString(tokenDir.resolve("edit.cfg"), "moved: " + a.hostPort() + "\n");
        route(p, "tf", "TokenFile", tokenDir.toString());
        route(p, "ro", "ReadOnlyTokenFile", tokenDir.toString());

        // TokenFileName: a file outside the directory, named by a traversal and by a symbolic link inside.
        Path names = Files.createDirectory(root.resolve("names"));
        Files.writeString(names.resolve("vm-a"), a.hostPort() + "\n");
        Files.writeString(names.resolve("vm-b"), b.hostPort());
        Path secret = Files.writeString(root.resolve("secret"), a.hostPort());
        Files.createSymbolicLink(names.resolve("link-out"), secret);
        route(p, "tfn", "TokenFileName", names.toString());

        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        apiThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "token-api");
            t.setDaemon(true);
            return t;
        });
        api.setExecutor(apiThreads);
        api.createContext("/plain/", ex -> answer(ex, Map.of("vm-a", a.hostPort(), "vm-b", b.hostPort())));
        api.createContext("/json/", ex -> answer(ex, Map.of(
                "vm-a", "{\"host\": \"127.0.0.1\", \"port\": " + a.port() + "}",
                "vm-b", "{\"host\": \"127.0.0.1\", \"port\": \"" + b.port() + "\", \"other\": 1}")));
        api.start();
        String apiBase = "http://127.0.0.1:" + api.getAddress().getPort();
        route(p, "api", "BaseTokenAPI", apiBase + "/plain/%s");
        route(p, "json", "JSONTokenApi", apiBase + "/json/%s");

        // JWT keys as upstream reads them: an HMAC secret as base64url text (trailing newline and all), an RSA key.
        Path keys = Files.createDirectory(root.resolve("keys"));
        hmacSecret = new byte[32];
        new SecureRandom().nextBytes(hmacSecret);
        Files.writeString(keys.resolve("hmac.key"),
                Base64.getUrlEncoder().withoutPadding().encodeToString(hmacSecret) + "\n");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        Files.writeString(keys.resolve("rsa.pub"), JwtTokenApiTest.pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        route(p, "jwt", "JWTTokenApi", keys.resolve("hmac.key").toString());
        route(p, "jwtrsa", "JWTTokenApi", keys.resolve("rsa.pub").toString());

        // Without redis-server the route points at a closed port; the Redis test then fails, naming the package.
        if (RedisServer.binary() != null) {
            redis = RedisServer.start();
            redisPort = redis.port;
        } else {
            redisPort = RedisServer.freePort();
        }
        route(p, "redis", "TokenRedis", "127.0.0.1:" + redisPort + ":0::desktops");

        route(p, "uds", "UnixDomainSocketDirectory", socks.toString());
        return ProxyWar.create("tokens.war", p);
    }

    private static void route(Map<String, String> p, String name, String plugin, String source) {
        String prefix = "websockify.route." + name + ".";
        p.put(prefix + "path", "/" + name + ",/" + name + "/{token}");
        p.put(prefix + "token-plugin", plugin);
        p.put(prefix + "token-source", source);
    }

    /** The token API: the body by token; {@code broken} is a server error, anything else 404. */
    private static void answer(HttpExchange ex, Map<String, String> bodies) throws IOException {
        String token = ex.getRequestURI().getPath().substring(ex.getHttpContext().getPath().length());
        String body = bodies.get(token);
        int status = token.equals("broken") ? 500 : body == null ? 404 : 200;
        byte[] bytes = (body == null ? "no" : body).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close(); // by its PID
        }
        if (api != null) {
            api.stop(0);
            apiThreads.shutdownNow();
        }
        for (AutoCloseable c : new AutoCloseable[] {a, b, unixEcho, unixOutside}) {
            if (c != null) {
                c.close();
            }
        }
        if (root != null) {
            deleteTree(root);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p); // links are removed, not followed
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int port() {
        return Integer.parseInt(System.getProperty("tomcat.http.port", "18080"));
    }

    /**
     * Opens a WebSocket on {@code pathAndQuery} with extra handshake headers; when upgraded, echoes a message
     * through the session and checks it came back. Returns the handshake's status.
     */
    private static int attempt(String pathAndQuery, Map<String, String> headers) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", port(), 0)) {
            int status = ws.handshake(CONTEXT + pathAndQuery, headers).status();
            if (status != 101) {
                return status;
            }
            byte[] data = new Pattern(pathAndQuery.hashCode()).bytes(2048);
            ws.sendBinary(data);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < data.length) {
                WsFrame f = ws.readFrame();
                assertNotEquals(8, f.opcode(),
                        () -> pathAndQuery + ": closed " + f.closeCode() + " " + f.closeReason());
                got.write(f.payload());
            }
            assertArrayEquals(data, got.toByteArray(), pathAndQuery + ": echoed through the session");
            ws.sendClose(1000, "");
            return status;
        }
    }

    /** Connections each target has seen so far: TCP A, TCP B, the Unix echo, the Unix socket outside. */
    private static List<Integer> seen() {
        return List.of(a.connections().size(), b.connections().size(), unixEcho.connections.get(),
                unixOutside.connections.get());
    }

    private static List<Integer> plusOne(List<Integer> counts, int index) {
        Integer[] c = counts.toArray(new Integer[0]);
        c[index]++;
        return List.of(c);
    }

    private static void assertReaches(Object target, String pathAndQuery) throws IOException {
        assertReaches(target, pathAndQuery, Map.of());
    }

    /** Upgrades, echoes, and checks that exactly {@code target} got a connection (and no other target). */
    private static void assertReaches(Object target, String pathAndQuery, Map<String, String> headers)
            throws IOException {
        int index = target == a ? 0 : target == b ? 1 : target == unixEcho ? 2 : 3;
        List<Integer> before = seen();
        assertEquals(101, attempt(pathAndQuery, headers), pathAndQuery + " upgraded");
        assertEquals(plusOne(before, index), seen(), pathAndQuery + ": connections of A, B, unix, outside");
    }

    private static void assertRefused(int status, String pathAndQuery) throws IOException {
        assertRefused(status, pathAndQuery, Map.of());
    }

    /** The upgrade is refused with {@code status} and no target is contacted. */
    private static void assertRefused(int status, String pathAndQuery, Map<String, String> headers)
            throws IOException {
        List<Integer> before = seen();
        assertEquals(status, attempt(pathAndQuery, headers), pathAndQuery);
        assertEquals(before, seen(), pathAndQuery + ": no target contacted");
    }

    private static Map<String, String> cookie(String value) {
        return Map.of("Cookie", value);
    }

    private static String q(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void tokenFileTokenFromPathQueryOrCookie() throws Exception {
        assertReaches(a, "/tf/vm-a");
        assertReaches(b, "/tf/vm-b");
        assertReaches(b, "/tf?token=vm-b");
        assertReaches(a, "/tf?x=1&token=vm-a");
        assertReaches(b, "/tf", cookie("other=1; token=vm-b"));
        assertReaches(unixEcho, "/tf/sock");
        // First hit wins: path, then query, then cookie.
        assertReaches(a, "/tf/vm-a?token=vm-b", cookie("token=vm-b"));
        assertReaches(b, "/tf?token=vm-b", cookie("token=vm-a"));
        assertReaches(a, "/ro/vm-a");
    }

    @Test
    void unknownOrMissingToken404OnEveryPluginWithoutContactingATarget() throws Exception {
        for (String route : List.of("tf", "ro", "tfn", "api", "json", "jwt", "jwtrsa", "uds")) {
            assertRefused(404, "/" + route + "/nope");
            assertRefused(404, "/" + route + "?token=nope");
            assertRefused(404, "/" + route, cookie("token=nope"));
            assertRefused(404, "/" + route);
        }
        assertReaches(a, "/tf/vm-a"); // and the proxy still serves
    }

    @Test
    void tokenFileSeesAnEditWhileRunningReadOnlyTokenFileDoesNot() throws Exception {
        assertRefused(404, "/tf?token=fresh");
        // Replace the file as a whole (editors and config tools do), from outside the watched directory.
        Path staged = Files.writeString(root.resolve("edit.new"), "moved: " + b.hostPort() + "\nfresh: "
                + a.hostPort() + "\n");
        Files.move(staged, tokenDir.resolve("edit.cfg"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        // The watch is asynchronous: poll (bounded) until the new token is served; refusals contact no target.
        List<Integer> before = seen();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = attempt("/tf?token=fresh", Map.of());
        while (status == 404 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = attempt("/tf?token=fresh", Map.of());
        }
        assertEquals(101, status, "TokenFile serves a token added while running");
        assertEquals(plusOne(before, 0), seen(), "the new token reached A, only once");
        assertReaches(b, "/tf?token=moved");

        // ReadOnlyTokenFile keeps what it read at start-up.
        assertReaches(a, "/ro?token=moved");
        assertRefused(404, "/ro?token=fresh");
    }

    @Test
    void tokenFileNameServesFilesInItsDirectoryOnly() throws Exception {
        assertReaches(a, "/tfn/vm-a");
        assertReaches(b, "/tfn?token=vm-b");
        assertReaches(b, "/tfn?token=" + q("anything/vm-b")); // only the last component counts
        // ../secret, a symbolic link out of the directory, dot names: the file outside would send them to A.
        for (String escape : List.of("../secret", root.resolve("secret").toString(), "link-out", "..", ".",
                "vm-a/..")) {
            assertRefused(404, "/tfn?token=" + q(escape));
        }
        assertRefused(404, "/tfn/link-out");
    }

    @Test
    void tokenApisAnswer404ForUnknownAnd503WhenBroken() throws Exception {
        assertReaches(a, "/api?token=vm-a");
        assertReaches(b, "/api/vm-b");
        assertReaches(a, "/json", cookie("token=vm-a"));
        assertReaches(b, "/json/vm-b");
        assertRefused(404, "/api/unknown-token");
        assertRefused(404, "/json/unknown-token");
        // 500 from the API: the API is broken, not the client; and the proxy keeps serving.
        assertRefused(503, "/api/broken");
        assertRefused(503, "/json?token=broken");
        assertReaches(a, "/api/vm-a");
        assertReaches(b, "/json/vm-b");
    }

    @Test
    void jwtTokensVerifiedWithHmacSecretAndRsaKey() throws Exception {
        String claims = "{\"host\":\"127.0.0.1\",\"port\":" + a.port() + ",\"exp\":" + (now() + 3600) + "}";
        String hs = JwtTokenApiTest.hs256(hmacSecret, claims);
        assertReaches(a, "/jwt/" + hs);
        assertReaches(a, "/jwt", cookie("token=" + hs));

        JWTClaimsSet toB = new JWTClaimsSet.Builder().claim("host", "127.0.0.1").claim("port", String.valueOf(b.port()))
                .build();
        String rs = JwtTokenApiTest.signed(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, toB).serialize();
        assertReaches(b, "/jwtrsa?token=" + rs);

        String target = "\"host\":\"127.0.0.1\",\"port\":" + a.port();
        String expired = JwtTokenApiTest.hs256(hmacSecret, "{" + target + ",\"exp\":" + (now() - 60) + "}");
        String notYet = JwtTokenApiTest.hs256(hmacSecret, "{" + target + ",\"nbf\":" + (now() + 3600) + "}");
        byte[] otherSecret = hmacSecret.clone();
        otherSecret[0] ^= 1;
        String wrongKey = JwtTokenApiTest.hs256(otherSecret, claims);
        String none = JwtTokenApiTest.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + JwtTokenApiTest.b64(claims)
                + ".";
        for (String bad : List.of(expired, notYet, wrongKey, none, rs)) {
            assertRefused(404, "/jwt/" + bad);
        }
        assertRefused(404, "/jwtrsa?token=" + hs); // an HMAC token against an RSA key
    }

    @Test
    void unixSocketDirectoryCannotBeLeft() throws Exception {
        assertReaches(unixEcho, "/uds/vm");
        assertReaches(unixEcho, "/uds?token=vm");
        // ../socks2/x.sock passes upstream's string-prefix check; the absolute path and the link lead there too.
        for (String escape : List.of("../socks2/x.sock", unixOutside.path().toString(), "link-out", "..", ".")) {
            assertRefused(404, "/uds?token=" + q(escape));
        }
        assertRefused(404, "/uds/link-out");
    }

    @Test
    void redisKnownUnknownThenRedisDown503AndBackAgain() throws Exception {
        RedisServer.requireBinary();
        setRedis("desktops:vm-a", "{\"host\": \"" + a.hostPort() + "\"}");
        setRedis("desktops:vm-b", b.hostPort());
        setRedis("vm-a-without-namespace", a.hostPort());
        assertReaches(a, "/redis", cookie("token=vm-a"));
        assertReaches(b, "/redis/vm-b");
        assertRefused(404, "/redis?token=nope");
        assertRefused(404, "/redis?token=vm-a-without-namespace");

        redis.close();
        redis = null;
        assertRefused(503, "/redis/vm-a");
        assertRefused(503, "/redis", cookie("token=vm-b"));
        assertReaches(a, "/tf/vm-a"); // the server keeps serving other routes
        assertReaches(b, "/api/vm-b");

        // Back on the same port (empty: no persistence); the proxy's pool reconnects by itself.
        redis = RedisServer.start(redisPort);
        setRedis("desktops:vm-a", a.hostPort());
        assertReaches(a, "/redis/vm-a");
    }

    private static void setRedis(String key, String value) {
        try (RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redisPort)).build()) {
            client.set(key, value);
        }
    }
}
