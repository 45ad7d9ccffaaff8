package io.websockify.wrap;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the websockify.wrap-* settings; every bad value names its setting. */
class WrapSettingsTest {

    private static WrapSettings parse(Map<String, String> values) {
        return WrapSettings.from(Settings.of(values)).orElseThrow();
    }

    private static void assertRejected(Map<String, String> values, String setting, String why) {
        SettingException e = assertThrows(SettingException.class, () -> WrapSettings.from(Settings.of(values)));
        assertTrue(e.getMessage().contains(setting), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void absentWithoutCommand() {
        assertTrue(WrapSettings.from(Settings.of(Map.of())).isEmpty());
    }

    @Test
    void defaults() {
        WrapSettings w = parse(Map.of(WrapSettings.COMMAND, "/usr/bin/Xvnc :1 -rfbport 5901"));
        assertEquals(List.of("/usr/bin/Xvnc", ":1", "-rfbport", "5901"), w.command());
        assertEquals(WrapMode.EXIT, w.mode());
        assertNull(w.directory());
        assertEquals(Map.of(), w.environment());
        assertEquals(0, w.port());
        assertEquals(Duration.ofSeconds(5), w.stopTimeout());
        assertFalse(w.movesPort());
        assertEquals("Xvnc", w.programName());
    }

    @Test
    void everySetting() {
        WrapSettings w = parse(Map.of(
                WrapSettings.COMMAND, "server --listen '127.0.0.1:{port}'",
                WrapSettings.MODE, "Respawn",
                WrapSettings.DIR, System.getProperty("java.io.tmpdir"),
                WrapSettings.ENV, "DISPLAY=:1 'GREETING=hello world' EMPTY= PORT={port}",
                WrapSettings.PORT, "5901",
                WrapSettings.STOP_TIMEOUT, "1500ms"));
        assertEquals(List.of("server", "--listen", "127.0.0.1:{port}"), w.command());
        assertEquals(WrapMode.RESPAWN, w.mode());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize(), w.directory());
        assertEquals(List.of("DISPLAY", "GREETING", "EMPTY", "PORT"), List.copyOf(w.environment().keySet()));
        assertEquals("hello world", w.environment().get("GREETING"));
        assertEquals("", w.environment().get("EMPTY"));
        assertEquals(5901, w.port());
        assertEquals(Duration.ofMillis(1500), w.stopTimeout());
        assertTrue(w.usesPlaceholder());
        assertTrue(w.movesPort());
    }

    @Test
    void placeholderInEnvironmentOnlyCounts() {
        WrapSettings w = parse(Map.of(WrapSettings.COMMAND, "app", WrapSettings.ENV, "PORT={port}"));
        assertTrue(w.usesPlaceholder());
        assertTrue(w.movesPort());
    }

    @Test
    void rejectsBadValues() {
        assertRejected(Map.of(WrapSettings.COMMAND, "vncserver ':1"), WrapSettings.COMMAND, "unterminated");
        assertRejected(Map.of(WrapSettings.COMMAND, "''"), WrapSettings.COMMAND, "no program");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.MODE, "restart"), WrapSettings.MODE,
                "exit, ignore or respawn");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.DIR, "/no/such/dir"), WrapSettings.DIR,
                "not a directory");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.ENV, "DISPLAY"), WrapSettings.ENV,
                "not NAME=value");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.ENV, "1X=2"), WrapSettings.ENV,
                "not a valid environment variable name");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.PORT, "0"), WrapSettings.PORT,
                "between 1 and 65535");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.PORT, "vnc"), WrapSettings.PORT,
                "not an integer");
        assertRejected(Map.of(WrapSettings.COMMAND, "x", WrapSettings.STOP_TIMEOUT, "soon"),
                WrapSettings.STOP_TIMEOUT, "not a duration");
    }

    @Test
    void rejectsWrapSettingsWithoutCommand() {
        assertRejected(Map.of(WrapSettings.PORT, "5901"), WrapSettings.PORT, WrapSettings.COMMAND);
        assertRejected(Map.of(WrapSettings.MODE, "respawn"), WrapSettings.MODE, WrapSettings.COMMAND);
    }
}
