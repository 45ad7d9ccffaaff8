package io.websockify.token;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.websockify.config.SettingException;
import io.websockify.target.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.websockify.token.TokenFilesTest.lookup;
import static io.websockify.token.TokenFilesTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BaseTokenAPI and JSONTokenApi against a real HTTP server on loopback. */
class TokenApiTest {
    private HttpServer server;
    private ExecutorService executor;
    private String base;
    private final List<String> rawRequests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    /** The answers of the test API: status and body by the last path segment (decoded). */
    private static final Map<String, Object[]> PLAIN = Map.of(
            "good", new Object[] {200, "192.0.2.1:5901\n"},
            "v6", new Object[] {200, "[::1]:5902"},
            "sock", new Object[] {200, "unix_socket:/run/vnc.sock"},
            "a b/c?d", new Object[] {200, "192.0.2.1:5903"},
            "forbidden", new Object[] {403, "no"},
            "broken", new Object[] {500, "oops"},
            "nonsense", new Object[] {200, "not a target"},
            "empty", new Object[] {200, ""},
            "huge", new Object[] {200, "x".repeat(100_000)});

    private static final Map<String, Object[]> JSON = Map.of(
            "good", new Object[] {200, "{\"host\": \"192.0.2.1\", \"port\": 5901, \"extra\": [1]}"},
            "string-port", new Object[] {200, "{\"host\":\"host.example\",\"port\":\"5902\"}"},
            "v6", new Object[] {200, "{\"host\":\"::1\",\"port\":5903}"},
            "sock", new Object[] {200, "{\"host\":\"unix_socket\",\"port\":\"/run/vnc.sock\"}"},
            "no-port", new Object[] {200, "{\"host\":\"h\"}"},
            "fraction", new Object[] {200, "{\"host\":\"h\",\"port\":5900.5}"},
            "not-json", new Object[] {200, "host:5900"},
            "array", new Object[] {200, "[1,2]"});

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/plain/", ex -> answer(ex, PLAIN));
        server.createContext("/json/", ex -> answer(ex, JSON));
        server.createContext("/query", ex -> {
            rawRequests.add(ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
            reply(ex, 200, "192.0.2.1:5904");
        });
        server.createContext("/redirect/", ex -> {
            ex.getResponseHeaders().add("Location", "/plain/good");
            reply(ex, 302, "");
        });
        server.createContext("/slow/", ex -> {
            try {
                releaseSlow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "192.0.2.1:5905");
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void answer(HttpExchange ex, Map<String, Object[]> answers) throws IOException {
        String raw = ex.getRequestURI().getRawPath();
        rawRequests.add(raw);
        String token = ex.getRequestURI().getPath().substring(ex.getHttpContext().getPath().length());
        hits.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
        Object[] a = answers.get(token);
        if (a == null) {
            reply(ex, 404, "unknown");
        } else {
            reply(ex, (Integer) a[0], (String) a[1]);
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private int hits(String token) {
        AtomicInteger n = hits.get(token);
        return n == null ? 0 : n.get();
    }

    @Test
    void plainBodyIsTheTargetAnd4xxIsUnknown() throws Exception {
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/plain/%s")) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(api, "good"), "trailing newline ignored");
            assertEquals(Optional.of(tcp("::1", 5902)), lookup(api, "v6"));
            assertEquals(Optional.of(new Target.Unix(Path.of("/run/vnc.sock"))), lookup(api, "sock"));
            assertEquals(Optional.empty(), lookup(api, "unknown-token"));
            assertEquals(Optional.empty(), lookup(api, "forbidden"));
        }
    }

    @Test
    void brokenApiIsAFailureNotAnUnknownToken() {
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/plain/%s")) {
            for (String token : new String[] {"broken", "nonsense", "empty", "huge"}) {
                TokenLookupException e = assertThrows(TokenLookupException.class, () -> lookup(api, token), token);
                assertTrue(!e.getMessage().contains("/plain/"), "no URL, so no token, in " + e.getMessage());
            }
        }
    }

    @Test
    void tokenIsPercentEncodedInPathAndQuery() throws Exception {
        try (BaseTokenAPI path = new BaseTokenAPI(base + "/plain/%s");
             BaseTokenAPI query = new BaseTokenAPI(base + "/query?token=%s&x=1")) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5903)), lookup(path, "a b/c?d"));
            assertTrue(rawRequests.contains("/plain/a%20b%2Fc%3Fd"), rawRequests.toString());
            assertEquals(Optional.of(tcp("192.0.2.1", 5904)), lookup(query, "x&y=1 +é"));
            assertTrue(rawRequests.contains("/query?token=x%26y%3D1%20%2B%C3%A9&x=1"), rawRequests.toString());
        }
    }

    @Test
    void answersAreCachedBrieflyFailuresAreNot() throws Exception {
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/plain/%s")) {
            lookup(api, "good");
            lookup(api, "good");
            assertEquals(1, hits("good"));
            lookup(api, "unknown-token");
            lookup(api, "unknown-token");
            assertEquals(1, hits("unknown-token"), "not found is cached too");
            assertThrows(TokenLookupException.class, () -> lookup(api, "broken"));
            assertThrows(TokenLookupException.class, () -> lookup(api, "broken"));
            assertEquals(2, hits("broken"), "failures are asked again");
        }
        try (BaseTokenAPI uncached = new BaseTokenAPI(base + "/plain/%s", Duration.ofSeconds(5), Duration.ZERO)) {
            lookup(uncached, "good");
            assertEquals(2, hits("good"), "a new plugin with no cache asks again");
        }
    }

    @Test
    void cacheIsBounded() {
        LookupCache cache = new LookupCache(1, TimeUnit.HOURS, 100);
        for (int i = 0; i < 1000; i++) {
            cache.put("t" + i, Optional.empty());
        }
        assertEquals(100, cache.size());
        assertEquals(null, cache.get("t0"), "the oldest entries went first");
        assertEquals(Optional.empty(), cache.get("t999").target());
    }

    @Test
    void timeoutAndRefusedConnectionAreFailures() throws Exception {
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/slow/%s", Duration.ofMillis(300), Duration.ZERO)) {
            TokenLookupException e = assertThrows(TokenLookupException.class, () -> lookup(api, "t"));
            assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (BaseTokenAPI api = new BaseTokenAPI("http://127.0.0.1:" + closedPort + "/%s")) {
            TokenLookupException e = assertThrows(TokenLookupException.class, () -> lookup(api, "t"));
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/redirect/%s")) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(api, "x"));
        }
    }

    @Test
    void jsonBodyWithHostAndPort() throws Exception {
        try (JSONTokenApi api = new JSONTokenApi(base + "/json/%s")) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(api, "good"));
            assertEquals(Optional.of(tcp("host.example", 5902)), lookup(api, "string-port"));
            assertEquals(Optional.of(tcp("::1", 5903)), lookup(api, "v6"));
            assertEquals(Optional.of(new Target.Unix(Path.of("/run/vnc.sock"))), lookup(api, "sock"));
            assertEquals(Optional.empty(), lookup(api, "unknown-token"));
            for (String token : new String[] {"no-port", "fraction", "not-json", "array"}) {
                assertThrows(TokenLookupException.class, () -> lookup(api, token), token);
            }
        }
    }

    @Test
    void templateMustBeAnHttpUrlWithOnePlaceholder() throws Exception {
        for (String bad : new String[] {base + "/plain/", base + "/%s/%s", "ftp://h/%s", "/relative/%s",
                "http://h/%s x y"}) {
            assertThrows(IllegalArgumentException.class, () -> new BaseTokenAPI(bad), bad);
            SettingException e = assertThrows(SettingException.class, () -> TokenPlugins.create("JSONTokenApi", bad));
            assertTrue(e.getMessage().contains("websockify.token-source"), e.getMessage());
        }
        // %% is a literal %, as in upstream's Python formatting.
        try (BaseTokenAPI api = new BaseTokenAPI(base + "/query?a=100%%25&token=%s")) {
            lookup(api, "t");
            assertTrue(rawRequests.contains("/query?a=100%25&token=t"), rawRequests.toString());
        }
    }
}
