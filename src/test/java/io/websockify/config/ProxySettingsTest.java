package io.websockify.config;

import io.websockify.target.Target;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings parse as documented, and each bad value names its setting. */
class ProxySettingsTest {

    private static ProxySettings parse(Map<String, String> m) {
        return ProxySettings.from(Settings.of(m));
    }

    private static String error(Map<String, String> m) {
        return assertThrows(SettingException.class, () -> parse(m)).getMessage();
    }

    @Test
    void defaults() {
        ProxySettings s = parse(Map.of("websockify.target", "localhost:5900"));
        assertEquals(new Target.Tcp("localhost", 5900), s.routes().get(0).target());
        assertEquals(List.of("/websockify"), s.paths());
        assertEquals(Duration.ofSeconds(10), s.connectTimeout());
        assertEquals(Duration.ZERO, s.sendTimeout());
        assertEquals(262144, s.bufferSize());
        assertTrue(!s.permessageDeflate() && !s.anyPath() && !s.verbose() && s.web() == null);
    }

    @Test
    void ipv6Targets() {
        assertEquals(new Target.Tcp("::1", 5900), parse(Map.of("websockify.target", "[::1]:5900")).routes().get(0).target());
        assertEquals(new Target.Tcp("::1", 5900), parse(Map.of("websockify.target", "::1:5900")).routes().get(0).target());
        assertEquals("[::1]:5900", new HostPort("::1", 5900).toString());
    }

    @Test
    void missingTargetNamesTheSetting() {
        String m = error(Map.of());
        assertTrue(m.contains("websockify.target") && m.contains("WEBSOCKIFY_TARGET"), m);
    }

    @Test
    void malformedValuesNameTheSetting() {
        assertTrue(error(Map.of("websockify.target", "nocolon")).contains("websockify.target"));
        assertTrue(error(Map.of("websockify.target", "h:99999")).contains("websockify.target"));
        assertTrue(error(Map.of("websockify.target", "h:x")).contains("websockify.target"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.connect-timeout", "soon"))
                .contains("websockify.connect-timeout"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.connect-timeout", "0"))
                .contains("websockify.connect-timeout"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.path", "noslash"))
                .contains("websockify.path"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.path", "/a/{x}/{x}"))
                .contains("websockify.path"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.permessage-deflate", "maybe"))
                .contains("websockify.permessage-deflate"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.buffer-size", "12"))
                .contains("websockify.buffer-size"));
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.web", "/does/not/exist"))
                .contains("websockify.web"));
    }

    @Test
    void durations() {
        ProxySettings s = parse(Map.of("websockify.target", "h:1", "websockify.connect-timeout", "2.5",
                "websockify.send-timeout", "500ms"));
        assertEquals(Duration.ofMillis(2500), s.connectTimeout());
        assertEquals(Duration.ofMillis(500), s.sendTimeout());
        assertEquals(Duration.ofMinutes(5), parse(Map.of("websockify.target", "h:1",
                "websockify.connect-timeout", "5m")).connectTimeout());
    }

    @Test
    void pathTemplates() {
        PathTemplate t = PathTemplate.parse("/vnc/{token}");
        assertEquals(Map.of("token", "abc"), t.match("/vnc/abc"));
        assertEquals(null, t.match("/vnc"));
        assertEquals(null, t.match("/vnc/abc/def"));
        assertEquals(null, t.match("/vnc/"));
        assertEquals(Map.of(), PathTemplate.parse("/").match("/"));
    }

    @Test
    void envNames() {
        assertEquals("WEBSOCKIFY_TOKEN_SOURCE", Settings.envName("websockify.token-source"));
    }
}
