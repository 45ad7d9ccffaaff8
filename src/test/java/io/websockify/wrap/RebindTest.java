package io.websockify.wrap;

import io.websockify.config.HostPort;
import io.websockify.config.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.websockify.wrap.WrapTestSupport.assertEchoes;
import static io.websockify.wrap.WrapTestSupport.await;
import static io.websockify.wrap.WrapTestSupport.awaitReport;
import static io.websockify.wrap.WrapTestSupport.freePort;
import static io.websockify.wrap.WrapTestSupport.gone;
import static io.websockify.wrap.WrapTestSupport.portFree;
import static io.websockify.wrap.WrapTestSupport.program;
import static io.websockify.wrap.WrapTestSupport.refuses;
import static io.websockify.wrap.WrapTestSupport.reportNumber;
import static io.websockify.wrap.WrapTestSupport.reportValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The port-moving library (src/main/c/rebind.c, built by Maven) in a real program: a Python echo server that
 * binds the port websockify wants for itself is moved onto the free loopback port, for IPv4 and IPv6.
 */
class RebindTest {
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        python = WrapTestSupport.python();
        WrapTestSupport.requireRebindLibrary();
    }

    private WrappedProgram wrap(int oldPort, Map<String, String> extra, String... serverArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, program("echo_server.py"),
                "--report", dir.resolve("report").toString(), "--port", Integer.toString(oldPort)));
        command.addAll(List.of(serverArgs));
        Map<String, String> values = new HashMap<>(extra);
        values.put(WrapSettings.COMMAND, CommandLine.join(command));
        values.put(WrapSettings.PORT, Integer.toString(oldPort));
        return new WrappedProgram(WrapSettings.from(Settings.of(values)).orElseThrow());
    }

    /**
     * 0.0.0.0 becomes 127.0.0.1 and an IPv6-only [::] becomes [::1], both on the new port; the old port stays free;
     * a UDP socket of the same number is left alone.
     */
    @Test
    void movesIpv4AndIpv6ListenersToLoopback() throws Exception {
        int oldPort = freePort();
        WrappedProgram w = wrap(oldPort, Map.of(), "--v4", "--v6only", "--udp");
        try {
            HostPort target = w.target().orElseThrow();
            assertEquals("127.0.0.1", target.host());
            int newPort = target.port();
            w.start();
            List<String> report = awaitReport(dir.resolve("report"), Duration.ofSeconds(20));
            List<String[]> tcp = reportValues(report, "tcp");
            assertEquals(2, tcp.size(), report.toString());
            assertArrayEquals(new String[] {"127.0.0.1", Integer.toString(newPort)}, tcp.get(0));
            assertArrayEquals(new String[] {"::1", Integer.toString(newPort)}, tcp.get(1));
            assertArrayEquals(new String[] {"127.0.0.1", Integer.toString(oldPort)}, reportValues(report, "udp").get(0));

            assertEchoes("127.0.0.1", newPort);
            assertEchoes("::1", newPort);
            assertTrue(refuses("127.0.0.1", oldPort));
            assertTrue(refuses("::1", oldPort));
            assertTrue(portFree(oldPort), "no TCP socket holds the old port on any address");

            long pid = reportNumber(report, "pid");
            w.close();
            assertTrue(await(Duration.ofSeconds(10), () -> gone(pid)));
            assertTrue(refuses("127.0.0.1", newPort));
        } finally {
            w.close();
        }
    }

    /**
     * A single dual-stack socket on [::] (how Java and many servers listen) stays reachable on 127.0.0.1, the
     * proxy's target: it is bound to ::ffff:127.0.0.1, not to ::1, which would take IPv4 away from it.
     */
    @Test
    void dualStackListenerStaysReachableOnIpv4Loopback() throws Exception {
        int oldPort = freePort();
        try (WrappedProgram w = wrap(oldPort, Map.of(), "--dual")) {
            int newPort = w.target().orElseThrow().port();
            w.start();
            List<String> report = awaitReport(dir.resolve("report"), Duration.ofSeconds(20));
            assertArrayEquals(new String[] {"::ffff:127.0.0.1", Integer.toString(newPort)},
                    reportValues(report, "tcp").get(0));
            assertEchoes(w.target().get().host(), newPort);
            assertTrue(portFree(oldPort));
        }
    }

    /**
     * The program sees REBIND_OLD_PORT, REBIND_NEW_PORT and LD_PRELOAD with our library first and an existing
     * LD_PRELOAD kept after it; the library sits in a private (0700) directory until close() deletes it.
     */
    @Test
    void environmentAndLibraryLifetime() throws Exception {
        Path out = dir.resolve("env");
        String script = "printf '%s\\n%s\\n%s\\n' \"$LD_PRELOAD\" \"$REBIND_OLD_PORT\" \"$REBIND_NEW_PORT\" > "
                + out + ".tmp && mv " + out + ".tmp " + out;
        Map<String, String> values = Map.of(
                WrapSettings.COMMAND, CommandLine.join(List.of("sh", "-c", script)),
                WrapSettings.PORT, "5901",
                WrapSettings.MODE, "ignore",
                WrapSettings.ENV, "LD_PRELOAD=libm.so.6");
        WrappedProgram w = new WrappedProgram(WrapSettings.from(Settings.of(values)).orElseThrow());
        Path library;
        try {
            w.start();
            List<String> lines = awaitReport(out, Duration.ofSeconds(20));
            String[] preload = lines.get(0).split(":");
            assertEquals(2, preload.length, lines.get(0));
            library = Path.of(preload[0]);
            assertEquals("libm.so.6", preload[1]);
            assertEquals("5901", lines.get(1));
            assertEquals(Integer.toString(w.target().orElseThrow().port()), lines.get(2));
            assertTrue(Files.isRegularFile(library));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(library.getParent())));
        } finally {
            w.close();
        }
        assertFalse(Files.exists(library));
        assertFalse(Files.exists(library.getParent()));
    }
}
