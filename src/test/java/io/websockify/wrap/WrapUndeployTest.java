package io.websockify.wrap;

import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.WsClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.websockify.wrap.WrapTestSupport.await;
import static io.websockify.wrap.WrapTestSupport.awaitReport;
import static io.websockify.wrap.WrapTestSupport.gone;
import static io.websockify.wrap.WrapTestSupport.portFree;
import static io.websockify.wrap.WrapTestSupport.refuses;
import static io.websockify.wrap.WrapTestSupport.reportNumber;
import static io.websockify.wrap.WrapTestSupport.reportValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR owns the wrapped program: deploying starts it (with its port moved by the preloaded library, and the
 * proxy's target set to it), undeploying stops it and its child, leaving no process behind; in exit mode a
 * program that ends makes the proxy refuse sessions with a close reason carrying the program's status.
 *
 * <p>{@link io.websockify.endpoint.WebsockifyListener} runs the wrap settings: it starts the program before it
 * registers the endpoints, makes the moved port the target and stops the program on undeploy.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WrapUndeployTest {
    private static final Path DIR = tempDir();
    private static final int OLD_PORT = port();

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "wrap", managed = false, testable = false)
    static WebArchive rebound() {
        List<String> command = List.of("python3", WrapTestSupport.program("echo_server.py"),
                "--report", DIR.resolve("rebound").toString(), "--port", Integer.toString(OLD_PORT), "--v4", "--child");
        return war("wrap.war", Map.of(
                WrapSettings.COMMAND, CommandLine.join(command),
                WrapSettings.PORT, Integer.toString(OLD_PORT),
                WrapSettings.STOP_TIMEOUT, "2s"));
    }

    @Deployment(name = "wrap-exit", managed = false, testable = false)
    static WebArchive exiting() {
        List<String> command = List.of("python3", WrapTestSupport.program("echo_server.py"),
                "--report", DIR.resolve("exiting").toString(), "--port", "{port}", "--v4", "--host", "127.0.0.1",
                "--exit-status", "7");
        return war("wrap-exit.war", Map.of(
                WrapSettings.COMMAND, CommandLine.join(command),
                WrapSettings.MODE, "exit"));
    }

    private static WebArchive war(String name, Map<String, String> params) {
        WebArchive war = ProxyWar.create(name, params)
                .deleteClasses(WrapTestSupport.class, WrapTestSupport.LogCapture.class);
        // The build puts librebind.so into target/classes; the real WAR carries it in WEB-INF/classes.
        String resource = RebindLibrary.resourceName();
        if (resource != null) {
            File lib = new File("target/classes/" + resource);
            if (lib.isFile()) {
                war.addAsResource(lib, resource);
            }
        }
        return war;
    }

    private static URI ws(String context) {
        return URI.create("ws://127.0.0.1:" + System.getProperty("tomcat.http.port", "18080") + "/" + context
                + "/websockify");
    }

    /** Deploy: the program runs on the moved port behind the proxy. Undeploy: program and child are gone. */
    @Test
    void undeployLeavesNoProcessBehind() throws Exception {
        WrapTestSupport.python();
        WrapTestSupport.requireRebindLibrary();
        long pid;
        long child;
        int newPort;
        WsClient open;
        deployer.deploy("wrap");
        try {
            List<String> report = awaitReport(DIR.resolve("rebound"), Duration.ofSeconds(30));
            pid = reportNumber(report, "pid");
            child = reportNumber(report, "child");
            String[] tcp = reportValues(report, "tcp").get(0);
            assertEquals("127.0.0.1", tcp[0], "0.0.0.0 was moved to loopback");
            newPort = Integer.parseInt(tcp[1]);
            assertTrue(refuses("127.0.0.1", OLD_PORT));
            assertTrue(portFree(OLD_PORT), "the program's own port stays free");

            byte[] data = "through the proxy to the wrapped program".getBytes(StandardCharsets.US_ASCII);
            try (WsClient c = WsClient.connect(ws("wrap"), "binary")) {
                c.send(data);
                c.awaitBytes(data.length, 20);
                assertArrayEquals(data, c.keptBytes());
            }
            open = WsClient.connect(ws("wrap"), "binary");
            open.send(data);
            open.awaitBytes(data.length, 20);
        } finally {
            deployer.undeploy("wrap");
        }
        try (WsClient c = open) {
            assertEquals(1001, c.awaitClose(20).code());
        }
        long p = pid;
        long ch = child;
        assertTrue(await(Duration.ofSeconds(10), () -> gone(p)), "program " + p + " gone after undeploy");
        assertTrue(await(Duration.ofSeconds(10), () -> gone(ch)), "child " + ch + " gone after undeploy");
        assertTrue(refuses("127.0.0.1", newPort));
    }

    /** exit mode: once the program exits with 7, every new session is closed with 1011 and that status. */
    @Test
    void exitModeRefusesSessionsWithTheProgramsStatus() throws Exception {
        WrapTestSupport.python();
        deployer.deploy("wrap-exit");
        try {
            long pid = reportNumber(awaitReport(DIR.resolve("exiting"), Duration.ofSeconds(30)), "pid");
            try (WsClient c = WsClient.connect(ws("wrap-exit"), "binary")) {
                c.send("exit".getBytes(StandardCharsets.US_ASCII));
                c.awaitClose(20);
            }
            assertTrue(await(Duration.ofSeconds(10), () -> gone(pid)));
            AtomicReference<WsClient.Close> last = new AtomicReference<>();
            // Until the supervisor has seen the exit, a session may still fail with "Failed to connect".
            assertTrue(await(Duration.ofSeconds(20), () -> {
                WsClient.Close close = closeOfNewSession(last);
                return close.code() == 1011 && "Wrapped program exited (status 7)".equals(close.reason());
            }), "last close: " + last.get());
        } finally {
            deployer.undeploy("wrap-exit");
        }
    }

    private static WsClient.Close closeOfNewSession(AtomicReference<WsClient.Close> last) {
        try (WsClient c = WsClient.connect(ws("wrap-exit"), "binary")) {
            WsClient.Close close = c.awaitClose(20);
            last.set(close);
            return close;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("wrap-undeploy-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port() {
        try {
            return WrapTestSupport.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
