package io.websockify.standalone;

import io.websockify.testkit.RequiredTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream's wrap mode from the command line: {@code websockify PORT -- PROGRAM ARGS}. The program binds the
 * listen port itself; the port-moving library puts it on a free loopback port, the proxy reaches it there, and in
 * {@code exit} mode the command ends with the program's own exit status.
 */
class StandaloneWrapIT {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void needsPython() throws Exception {
        boolean python = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        if (!python) {
            throw RequiredTool.missing("python3 is missing: the Debian package python3");
        }
    }

    private static Path echoServer() throws Exception {
        return Path.of(StandaloneWrapIT.class.getResource("/io/websockify/wrap/echo_server.py").toURI());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The program binds the listen port; the proxy still owns it and relays to the program's moved port. */
    @Test
    void programBindingTheListenPortIsReachedThroughTheProxyAndItsStatusIsTheExitStatus() throws Exception {
        int port = freePort();
        Path report = tmp.resolve("report");
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "127.0.0.1:" + port, "--", "python3",
                echoServer().toString(), "--report", report.toString(), "--port", String.valueOf(port), "--v4",
                "--exit-status", "7")) {
            assertEquals(port, cmd.awaitListening());
            for (int i = 0; i < 400 && !Files.exists(report); i++) {
                Thread.sleep(25);
            }
            List<String> facts = Files.readAllLines(report);
            String tcp = facts.stream().filter(l -> l.startsWith("tcp ")).findFirst().orElseThrow();
            assertTrue(!tcp.endsWith(" " + port), "the program's bind of " + port + " was moved: " + tcp);

            WsClient ws = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/websockify"));
            byte[] data = "through the proxy to the wrapped program".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(data, ws.echo(data));

            // "exit" makes the program end with --exit-status; exit mode ends the command with that status.
            ws.socket().sendBinary(java.nio.ByteBuffer.wrap("exit".getBytes(StandardCharsets.US_ASCII)), true);
            assertEquals(7, cmd.awaitExit(), cmd.stdout() + cmd.stderr());
        }
    }

    /** {@code {port}} hands the free port to programs LD_PRELOAD cannot reach. */
    @Test
    void portPlaceholderGivesTheProgramTheFreePort() throws Exception {
        Path report = tmp.resolve("report2");
        try (StandaloneCommand cmd = StandaloneCommand.start(tmp, "127.0.0.1:0", "--wrap-mode", "ignore", "--",
                "python3", echoServer().toString(), "--report", report.toString(), "--port", "{port}", "--v4",
                "--host", "127.0.0.1")) {
            int port = cmd.awaitListening();
            for (int i = 0; i < 400 && !Files.exists(report); i++) {
                Thread.sleep(25);
            }
            WsClient ws = WsClient.connect(http, URI.create("ws://127.0.0.1:" + port + "/websockify"));
            byte[] data = "placeholder".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(data, ws.echo(data));
            assertTrue(Files.readString(report).contains("tcp 127.0.0.1 "), Files.readString(report));
            try (Socket s = new Socket()) {
                // Nothing else took the proxy's port: the program listens elsewhere.
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            }
        }
    }
}
