package io.websockify.wrap;

import io.websockify.config.HostPort;
import io.websockify.config.Settings;
import io.websockify.wrap.WrapTestSupport.LogCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.websockify.wrap.WrapTestSupport.assertEchoes;
import static io.websockify.wrap.WrapTestSupport.await;
import static io.websockify.wrap.WrapTestSupport.awaitReport;
import static io.websockify.wrap.WrapTestSupport.gone;
import static io.websockify.wrap.WrapTestSupport.program;
import static io.websockify.wrap.WrapTestSupport.refuses;
import static io.websockify.wrap.WrapTestSupport.reportNumber;
import static io.websockify.wrap.WrapTestSupport.reportValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Supervision of real programs: {port}, exit, respawn, ignore, stop, output. */
class WrappedProgramTest {
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        python = WrapTestSupport.python();
    }

    private static WrappedProgram wrapped(List<String> command, String... settings) throws IOException {
        Map<String, String> values = new HashMap<>();
        values.put(WrapSettings.COMMAND, CommandLine.join(command));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new WrappedProgram(WrapSettings.from(Settings.of(values)).orElseThrow());
    }

    /**
     * {@code {port}} in an argument and in an environment value receives the free port; nothing is preloaded; the
     * program serves on the proxy's target, which is gone after close().
     */
    @Test
    void placeholderGivesTheProgramTheFreePort() throws Exception {
        Path report = dir.resolve("report");
        WrappedProgram w = wrapped(List.of(python, program("echo_server.py"), "--report", report.toString(),
                        "--port", "{port}", "--v4", "--host", "127.0.0.1"),
                WrapSettings.ENV, "ECHO_PORT={port}");
        try {
            HostPort target = w.target().orElseThrow();
            w.start();
            List<String> r = awaitReport(report, Duration.ofSeconds(20));
            String port = Integer.toString(target.port());
            assertArrayEquals(new String[] {"127.0.0.1", port}, reportValues(r, "tcp").get(0));
            assertEquals(port, reportValues(r, "echo_port").get(0)[0]);
            String inherited = System.getenv("LD_PRELOAD");
            assertEquals(inherited == null || inherited.isEmpty() ? "-" : inherited, reportValues(r, "preload").get(0)[0]);
            assertEchoes(target.host(), target.port());
            assertTrue(w.running());
            assertEquals(reportNumber(r, "pid"), w.pid().getAsLong());

            w.close();
            assertFalse(w.running());
            assertTrue(gone(reportNumber(r, "pid")));
            assertTrue(refuses(target.host(), target.port()));
        } finally {
            w.close();
        }
    }

    /** exit mode reports the program's own status; its output reached our log, line by line, with name and pid. */
    @Test
    void exitModeReportsTheProgramsStatus() throws Exception {
        try (LogCapture output = new LogCapture("io.websockify.wrap.output");
             WrappedProgram w = wrapped(List.of("sh", "-c", "echo hello; echo oops >&2; printf 'no newline'; exit 7"))) {
            assertTrue(w.target().isEmpty(), "no {port} and no wrap-port: the port is not moved");
            w.start();
            long pid = w.pid().getAsLong();
            assertEquals(7, w.exited().get(20, TimeUnit.SECONDS));
            assertEquals(7, w.exitStatus().getAsInt());
            assertFalse(w.running());
            assertEquals(1, w.starts().size());
            assertTrue(gone(pid), "the JVM reaped its child");
            String prefix = "[sh " + pid + "] ";
            assertTrue(await(Duration.ofSeconds(10), () -> output.count(prefix + "no newline") == 1), output.messages().toString());
            assertEquals(1, output.count(prefix + "hello"), output.messages().toString());
            assertEquals(1, output.count(prefix + "oops"), output.messages().toString());
        }
    }

    @Test
    void missingProgramIsReportedWithTheSettingName() throws Exception {
        try (WrappedProgram w = wrapped(List.of("/no/such/program", "-x"))) {
            IOException e = assertThrows(IOException.class, w::start);
            assertTrue(e.getMessage().contains(WrapSettings.COMMAND), e.getMessage());
            assertTrue(e.getMessage().contains("/no/such/program"), e.getMessage());
        }
    }

    /**
     * respawn mode with a program that exits at once: three quick starts, then none until the mean of the last
     * three start times is 10 s old; "respawning too fast" is logged once for that wait. Every recorded start is a
     * real run of the program (it appends its pid to a file).
     */
    @Test
    void respawnIsThrottled() throws Exception {
        Path runs = dir.resolve("runs");
        try (LogCapture log = new LogCapture(WrappedProgram.class.getName());
             WrappedProgram w = wrapped(List.of("sh", "-c", "echo $$ >> " + runs), WrapSettings.MODE, "respawn")) {
            w.start();
            assertTrue(await(Duration.ofSeconds(25), () -> w.starts().size() >= 4), "starts: " + w.starts());
            List<WrappedProgram.Start> starts = w.starts().subList(0, 4);
            long fourth = starts.get(3).nanoTime();
            long sumSince = (fourth - starts.get(0).nanoTime()) + (fourth - starts.get(1).nanoTime())
                    + (fourth - starts.get(2).nanoTime());
            assertTrue(sumSince >= 3 * TimeUnit.SECONDS.toNanos(RespawnThrottle.WINDOW_SECONDS),
                    "4th start " + sumSince / 3e9 + " s after the mean of the first three");
            assertTrue(await(Duration.ofSeconds(10), () -> lines(runs).size() >= 4));
            List<String> ran = lines(runs).subList(0, 4);
            for (int i = 0; i < 4; i++) {
                assertEquals(Long.toString(starts.get(i).pid()), ran.get(i), "start " + (i + 1) + " ran");
            }
            List<String> messages = log.messages();
            int fourthStarted = indexOf(messages, "(pid " + starts.get(3).pid() + "): started");
            List<String> beforeFourth = messages.subList(0, fourthStarted);
            assertEquals(1, beforeFourth.stream().filter(m -> m.contains("respawning too fast")).count(), messages.toString());
            assertEquals(3, beforeFourth.stream().filter(m -> m.endsWith("; respawning")).count(), messages.toString());
            assertTrue(w.exitStatus().isEmpty());
            assertFalse(w.exited().isDone());
        }
    }

    /**
     * ignore mode with a classic daemon (fork, setsid, fork, parent exits): the launcher's exit changes nothing,
     * the daemon serves on the target. It is no longer a descendant, so close() does not stop it (as upstream:
     * daemons are managed by their own tools); the test ends it itself.
     */
    @Test
    void ignoreModeLeavesADaemonToItsOwnManagement() throws Exception {
        Path report = dir.resolve("daemon");
        long daemon = -1;
        WrappedProgram w = wrapped(List.of(python, program("daemon.py"), report.toString(), "{port}"),
                WrapSettings.MODE, "ignore");
        try {
            w.start();
            long launcher = w.pid().getAsLong();
            daemon = Long.parseLong(awaitReport(report, Duration.ofSeconds(20)).get(0).trim());
            assertTrue(await(Duration.ofSeconds(10), () -> gone(launcher)), "the launcher exited");
            HostPort target = w.target().orElseThrow();
            assertEchoes(target.host(), target.port());
            assertFalse(w.running());
            assertFalse(w.exited().isDone());
            assertTrue(w.exitStatus().isEmpty());
            assertEquals(1, w.starts().size());

            w.close();
            assertTrue(ProcessHandle.of(daemon).isPresent(), "the daemon is outside the tree and keeps running");
            assertEchoes(target.host(), target.port());
        } finally {
            w.close();
            if (daemon > 0) {
                WrapTestSupport.kill(daemon);
                long d = daemon;
                assertTrue(await(Duration.ofSeconds(10), () -> gone(d)));
            }
        }
    }

    /**
     * close() sends SIGTERM to the program and its child; both ignore it, so after the grace period SIGKILL ends
     * them; nothing is left behind.
     */
    @Test
    void stopEscalatesFromTermToKillForTheWholeTree() throws Exception {
        Path report = dir.resolve("report");
        WrappedProgram w = wrapped(List.of(python, program("echo_server.py"), "--report", report.toString(),
                        "--port", "{port}", "--v4", "--host", "127.0.0.1", "--child", "--ignore-term"),
                WrapSettings.STOP_TIMEOUT, "1s");
        try (LogCapture log = new LogCapture(ProcessTree.class.getName())) {
            w.start();
            List<String> r = awaitReport(report, Duration.ofSeconds(20));
            long pid = reportNumber(r, "pid");
            long child = reportNumber(r, "child");
            assertEquals(pid, ProcessHandle.of(child).orElseThrow().parent().orElseThrow().pid());

            w.close();
            assertEquals(List.of("TERM"), Files.readAllLines(Path.of(report + ".term")), "SIGTERM came first");
            assertTrue(gone(pid), "program gone");
            assertTrue(gone(child), "child gone");
            assertEquals(1, log.count("sent SIGKILL to [" + pid + ", " + child + "]"), log.messages().toString());
        } finally {
            w.close();
        }
    }

    private static int indexOf(List<String> messages, String fragment) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no log message with '" + fragment + "' in " + messages);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
