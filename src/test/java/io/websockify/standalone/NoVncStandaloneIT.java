package io.websockify.standalone;

import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.browser.BrowserSession;
import io.websockify.testkit.browser.NoVncCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The browser cases against the standalone command as users run it: {@code java -jar websockify.jar --novnc
 * LISTEN TARGET}, with the token route served by the built-in {@code TokenFile} plugin (settings given as
 * environment variables, the way a service unit would).
 */
@ExtendWith(BrowserSession.class)
class NoVncStandaloneIT extends NoVncCases {
    private static StandaloneCommand command;
    private static TcpTarget closing;
    private static Path dir;
    private static int port;

    @BeforeAll
    static void startCommand() throws Exception {
        dir = Files.createTempDirectory("novnc-standalone");
        closing = new TcpTarget(conn -> { });
        int desktop = BrowserSession.desktop().port();
        Path tokens = dir.resolve("tokens.cfg");
        Files.writeString(tokens, "# the browser test's token\n" + NoVncCases.TOKEN + ": 127.0.0.1:" + desktop + "\n");
        Map<String, String> env = Map.of(
                "WEBSOCKIFY_ROUTES", "vnc,unreachable,closing",
                "WEBSOCKIFY_ROUTE_VNC_PATH", "/vnc,/vnc/{token}",
                "WEBSOCKIFY_ROUTE_VNC_TOKEN_PLUGIN", "TokenFile",
                "WEBSOCKIFY_ROUTE_VNC_TOKEN_SOURCE", tokens.toString(),
                "WEBSOCKIFY_ROUTE_UNREACHABLE_PATH", "/unreachable",
                "WEBSOCKIFY_ROUTE_UNREACHABLE_TARGET", "127.0.0.1:" + closedPort(),
                "WEBSOCKIFY_ROUTE_CLOSING_PATH", "/closing",
                "WEBSOCKIFY_ROUTE_CLOSING_TARGET", closing.hostPort());
        command = StandaloneCommand.start(dir, env, "--novnc", "127.0.0.1:0", "127.0.0.1:" + desktop);
        port = command.awaitListening();
        if (!command.stdout().contains("http://127.0.0.1:" + port + "/vnc.html")) {
            throw new AssertionError("the command prints the URL to open: " + command.stdout());
        }
    }

    @AfterAll
    static void stopCommand() throws IOException {
        if (command != null) {
            command.close();
        }
        if (closing != null) {
            closing.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    protected Optional<String> tokenRoutePath() {
        return Optional.of("vnc");
    }

    @Override
    protected Optional<String> unreachableTargetPath() {
        return Optional.of("unreachable");
    }

    @Override
    protected Optional<String> closingTargetPath() {
        return Optional.of("closing");
    }

    @Override
    protected String pageUrl() {
        return "http://127.0.0.1:" + port + "/vnc.html";
    }

    @Override
    protected String variant() {
        return "standalone";
    }
}
