package io.websockify.standalone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone command as a user runs it: {@code java -jar target/websockify.jar ...} in its own process on
 * 127.0.0.1, a real TCP echo service behind it, the JDK's WebSocket and HTTP clients and raw sockets in front.
 */
class StandaloneCommandIT {
    private static final String SECRET = "TOP-SECRET-OUTSIDE-THE-WEB-ROOT";

    private static EchoTarget echo;
    private static HttpClient http;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTarget() throws IOException {
        echo = new EchoTarget();
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS)).build();
    }

    @AfterAll
    static void stopTarget() throws IOException {
        echo.close();
    }

    @Test
    void proxiesBinaryBothWaysWithAndWithoutTheBinarySubprotocolOnAnyPath() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "127.0.0.1:0", echo.hostPort())) {
            int port = cmd.awaitListening();
            assertTrue(cmd.stdout().contains("proxying from 127.0.0.1:" + port + " to " + echo.hostPort()),
                    cmd.stdout());
            byte[] data = new byte[200_000];
            new Random(42).nextBytes(data);

            WsClient plain = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/websockify"));
            assertEquals("", plain.socket().getSubprotocol());
            assertArrayEquals(data, plain.echo(data));
            plain.socket().sendClose(1000, "done");
            assertEquals(1000, plain.awaitClose().code());

            // noVNC's path setting may be anything: an upgrade on any path reaches the proxy.
            WsClient binary = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/anything/here?x=1"),
                    "binary");
            assertEquals("binary", binary.socket().getSubprotocol());
            assertArrayEquals(data, binary.echo(data));
            byte[] small = "hello".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(small, binary.echo(small));
            binary.socket().sendClose(1000, "done");
            assertEquals(1000, binary.awaitClose().code());
        }
    }

    @Test
    void plainGetAndHeadWithoutWebAnswer405() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "127.0.0.1:0", echo.hostPort())) {
            int port = cmd.awaitListening();
            for (String path : List.of("/", "/websockify", "/index.html")) {
                URI uri = URI.create("http://127.0.0.1:" + port + path);
                HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, get.statusCode(), path);
                HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, head.statusCode(), path);
                assertEquals("", head.body());
            }
        }
    }

    @Test
    void webServesFilesIndexRedirectsListingsAnd404() throws Exception {
        Path web = webRoot();
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--web", web.toString(), "127.0.0.1:0",
                echo.hostPort())) {
            int port = cmd.awaitListening();
            assertTrue(cmd.stdout().contains("Web root: " + web.toRealPath()) || cmd.stdout().contains("Web root: " + web),
                    cmd.stdout());

            HttpResponse<String> index = get(port, "/");
            assertEquals(200, index.statusCode());
            assertEquals(Files.readString(web.resolve("index.html")), index.body());
            assertTrue(type(index).startsWith("text/html"), type(index));

            assertEquals("text/html", mediaType(get(port, "/index.html")));
            assertTrue(mediaType(get(port, "/app.js")).matches("(text|application)/javascript"));
            assertTrue(mediaType(get(port, "/module.mjs")).matches("(text|application)/javascript"),
                    "ES modules need a JavaScript type");
            assertEquals("application/json", mediaType(get(port, "/data.json")));
            assertEquals("image/svg+xml", mediaType(get(port, "/pic.svg")));
            HttpResponse<String> js = get(port, "/app.js");
            assertEquals(Files.readString(web.resolve("app.js")), js.body());
            assertEquals(String.valueOf(Files.size(web.resolve("app.js"))),
                    js.headers().firstValue("Content-Length").orElseThrow());

            HttpResponse<String> head = send(port, "HEAD", "/app.js");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            assertEquals(String.valueOf(Files.size(web.resolve("app.js"))),
                    head.headers().firstValue("Content-Length").orElseThrow());

            String lastModified = js.headers().firstValue("Last-Modified").orElseThrow();
            HttpResponse<String> cached = http.send(HttpRequest.newBuilder(uri(port, "/app.js"))
                    .header("If-Modified-Since", lastModified).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, cached.statusCode());
            String older = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    Instant.parse("2001-01-01T00:00:00Z").atOffset(ZoneOffset.UTC));
            HttpResponse<String> stale = http.send(HttpRequest.newBuilder(uri(port, "/app.js"))
                    .header("If-Modified-Since", older).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stale.statusCode());

            HttpResponse<String> redirect = get(port, "/sub");
            assertEquals(301, redirect.statusCode());
            assertEquals("/sub/", redirect.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> redirectQuery = get(port, "/sub?a=1&b=2");
            assertEquals(301, redirectQuery.statusCode());
            assertEquals("/sub/?a=1&b=2", redirectQuery.headers().firstValue("Location").orElseThrow());
            // "//sub" must not become "Location: //sub/", which a browser reads as the host "sub".
            String doubleSlash = raw(port, "GET //sub HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(doubleSlash.startsWith("HTTP/1.1 301"), doubleSlash);
            assertTrue(doubleSlash.contains("\r\nLocation: /sub/\r\n"), doubleSlash);

            HttpResponse<String> listing = get(port, "/sub/");
            assertEquals(200, listing.statusCode());
            assertTrue(type(listing).startsWith("text/html"));
            String page = listing.body();
            assertTrue(page.contains("Directory listing for /sub/"), page);
            int a = page.indexOf(">a.txt<");
            int b = page.indexOf(">B.txt<");
            int inner = page.indexOf(">inner/<");
            int odd = page.indexOf(">x&amp;&lt;y&gt;.txt<");
            assertTrue(a > 0 && b > a && inner > b && odd > inner, "sorted, escaped, dirs with /: " + page);
            assertFalse(page.contains("<y>"), "names are escaped");
            assertFalse(page.contains("escape"), "links that leave the root are not listed: " + page);
            assertEquals(200, get(port, "/sub/inner/").statusCode());
            assertEquals("odd", get(port, "/sub/x%26%3Cy%3E.txt").body());

            assertEquals(404, get(port, "/missing.html").statusCode());
            assertEquals(404, get(port, "/sub/missing/").statusCode());
            assertEquals(404, send(port, "HEAD", "/missing.html").statusCode());
            assertEquals(405, send(port, "POST", "/index.html").statusCode());

            // The proxy still answers upgrades next to the files.
            WsClient ws = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/sub/"));
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(hello, ws.echo(hello));
            ws.socket().sendClose(1000, "done");
            ws.awaitClose();
        }
    }

    @Test
    void fileOnlyTurnsListingsInto404() throws Exception {
        Path web = webRoot();
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--web=" + web, "--file-only", "127.0.0.1:0",
                echo.hostPort())) {
            int port = cmd.awaitListening();
            assertEquals(404, get(port, "/sub/").statusCode());
            assertEquals(404, get(port, "/sub/inner/").statusCode());
            assertEquals(200, get(port, "/").statusCode(), "an index file is still served");
            assertEquals(200, get(port, "/sub/a.txt").statusCode());
        }
    }

    @Test
    void nothingOutsideTheWebRootIsEverServed() throws Exception {
        Path web = webRoot();
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--web", web.toString(), "127.0.0.1:0",
                echo.hostPort())) {
            int port = cmd.awaitListening();
            // The outside file is tmp/outside/secret.txt; the root is tmp/web.
            List<String> attacks = List.of(
                    "/../outside/secret.txt",
                    "/sub/../../outside/secret.txt",
                    "/%2e%2e/outside/secret.txt",
                    "/%2E%2E/outside/secret.txt",
                    "/%2E%2E%2Foutside%2Fsecret.txt",
                    "/sub/..%2f..%2foutside/secret.txt",
                    "/sub/%2e%2e/%2e%2e/outside/secret.txt",
                    "/.%2e/outside/secret.txt",
                    "/..;x=1/outside/secret.txt",
                    "/..%5coutside%5csecret.txt",
                    "/..\\outside\\secret.txt",
                    "/sub/escape-file.txt",
                    "/sub/escape-dir/secret.txt",
                    "/sub/escape-dir/",
                    "/sub/escape-dir",
                    "/%00/../outside/secret.txt",
                    "/index.html%00.txt");
            for (String path : attacks) {
                String response = raw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                String status = response.lines().findFirst().orElse("");
                assertTrue(status.matches("HTTP/1\\.1 (400|404)( .*)?"), path + " -> " + status);
                assertFalse(response.contains(SECRET), path + " leaked the outside file");
            }
            // The same server does serve what is inside, so the refusals above are not an accident.
            String ok = raw(port, "GET /sub/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
        }
    }

    @Test
    void usageErrorsExitWith2AndPrintTheUsage() throws Exception {
        String[][] cases = {
                {},
                {"6080"},
                {"--bogus", "127.0.0.1:0", echo.hostPort()},
                {"abc", echo.hostPort()},
                {"127.0.0.1:0", "localhost"},
                {"127.0.0.1:0", echo.hostPort(), "extra"},
        };
        String[] messages = {"Too few arguments", "Too few arguments", "no such option: --bogus",
                "Error parsing listen port", "Error parsing target", "Too many arguments"};
        for (int i = 0; i < cases.length; i++) {
            try (StandaloneCommand cmd = StandaloneCommand.start(tmp, cases[i])) {
                assertEquals(2, cmd.awaitExit(), String.join(" ", cases[i]));
                assertTrue(cmd.stderr().contains("Usage: websockify [options] [source_addr:]source_port"
                        + " target_addr:target_port"), cmd.stderr());
                assertTrue(cmd.stderr().contains(messages[i]), cmd.stderr());
            }
        }
    }

    @Test
    void helpExitsWith0() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--help")) {
            assertEquals(0, cmd.awaitExit());
            assertTrue(cmd.stdout().startsWith("Usage: websockify"), cmd.stdout());
            assertTrue(cmd.stdout().contains("--web DIR"), cmd.stdout());
        }
    }

    @Test
    void aPortInUseFailsWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             StandaloneCommand cmd = StandaloneCommand.start(tmp, "127.0.0.1:" + taken.getLocalPort(),
                     echo.hostPort())) {
            assertEquals(1, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("127.0.0.1:" + taken.getLocalPort()), cmd.stderr());
            assertFalse(cmd.stdout().contains("Listen on"), cmd.stdout());
        }
    }

    @Test
    void aBadSettingFailsNamingIt() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--connect-timeout", "abc", "127.0.0.1:0",
                echo.hostPort())) {
            assertEquals(1, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("websockify.connect-timeout"), cmd.stderr());
            assertTrue(cmd.stderr().contains("'abc'"), cmd.stderr());
        }
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "--web", tmp.resolve("no-such-dir").toString(),
                "127.0.0.1:0", echo.hostPort())) {
            assertEquals(1, cmd.awaitExit(), cmd.stderr());
            assertTrue(cmd.stderr().contains("websockify.web"), cmd.stderr());
        }
    }

    @Test
    void sigtermClosesSessionsWith1001AndExits0() throws Exception {
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "-v", "127.0.0.1:0", echo.hostPort())) {
            int port = cmd.awaitListening();
            WsClient client = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/websockify"));
            byte[] hello = "still here".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(hello, client.echo(hello)); // the session is bridged to the target
            cmd.terminate();
            assertEquals(1001, client.awaitClose().code());
            assertEquals(0, cmd.awaitExit(), cmd.stderr());
            // -v logs each session's end, even the ones ended by the shutdown itself.
            assertTrue(cmd.stderr().contains("session ended"), cmd.stderr());
        }
    }

    /**
     * tmp/web: index.html, typed files, sub/ without index (files, a sub-directory, an odd name, links that leave
     * the root); tmp/outside/secret.txt is what must never be served.
     */
    private Path webRoot() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Path web = Files.createDirectories(tmp.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<!DOCTYPE html><title>root</title>\n");
        Files.writeString(web.resolve("app.js"), "console.log('app');\n");
        Files.writeString(web.resolve("module.mjs"), "export const x = 1;\n");
        Files.writeString(web.resolve("data.json"), "{\"a\":1}\n");
        Files.writeString(web.resolve("pic.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
        Files.setLastModifiedTime(web.resolve("app.js"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path sub = Files.createDirectories(web.resolve("sub"));
        Files.writeString(sub.resolve("a.txt"), "a");
        Files.writeString(sub.resolve("B.txt"), "b");
        Files.writeString(sub.resolve("x&<y>.txt"), "odd");
        Files.createDirectories(sub.resolve("inner"));
        Files.createSymbolicLink(sub.resolve("escape-file.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(sub.resolve("escape-dir"), outside);
        return web;
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return send(port, "GET", path);
    }

    private static HttpResponse<String> send(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(port, path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String type(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    private static String mediaType(HttpResponse<?> r) {
        return type(r).split(";")[0].trim();
    }

    /** One request as written, over a plain socket (no client normalises the path), the whole response back. */
    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout((int) Duration.ofSeconds(StandaloneCommand.PATIENCE_SECONDS).toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
