package io.websockify.route;

import io.websockify.config.ProxySettings;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route settings, allow-lists and token extraction, one rule per test. */
class RouteRulesTest {

    private static String error(Map<String, String> m) {
        return assertThrows(SettingException.class, () -> ProxySettings.from(Settings.of(m))).getMessage();
    }

    private static ConnectionRequest request(Map<String, String> params, String query, List<String> cookies,
                                             String host) {
        return new ConnectionRequest("/p", params, query, cookies, host, null, "127.0.0.1:1");
    }

    @Test
    void directRouteNeedsAnAllowList() {
        String m = error(Map.of("websockify.path", "/c/{host}/{port}"));
        assertTrue(m.contains("websockify.allow-hosts"), m);
        m = error(Map.of("websockify.path", "/c/{host}/{port}", "websockify.allow-hosts", "10.0.0.0/8"));
        assertTrue(m.contains("websockify.allow-ports"), m);
    }

    @Test
    void directRouteNeedsHostAndPort() {
        String m = error(Map.of("websockify.path", "/c/{host}", "websockify.allow-hosts", "*",
                "websockify.allow-ports", "*"));
        assertTrue(m.contains("websockify.path") && m.contains("{port}"), m);
    }

    @Test
    void oneWayToPickTheTarget() {
        String m = error(Map.of("websockify.target", "h:1", "websockify.token-plugin", "TokenFile"));
        assertTrue(m.contains("Conflicting"), m);
        m = error(Map.of("websockify.target", "h:1", "websockify.allow-hosts", "*"));
        assertTrue(m.contains("allow-hosts"), m);
    }

    @Test
    void namedRoutesReadTheirOwnSettings() {
        ProxySettings s = ProxySettings.from(Settings.of(Map.of("websockify.routes", "ssh",
                "websockify.route.ssh.path", "/ssh", "websockify.route.ssh.target", "bastion:22")));
        assertEquals(1, s.routes().size());
        assertEquals("ssh", s.routes().get(0).name());
        String m = error(Map.of("websockify.routes", "ssh", "websockify.route.ssh.target", "b:22"));
        assertTrue(m.contains("websockify.route.ssh.path"), m);
        m = error(Map.of("websockify.routes", "a,b", "websockify.route.a.path", "/x", "websockify.route.a.target",
                "h:1", "websockify.route.b.path", "/x", "websockify.route.b.target", "h:2"));
        assertTrue(m.contains("/x"), m);
    }

    @Test
    void tokenSourceWithoutPluginIsAnError() {
        assertTrue(error(Map.of("websockify.target", "h:1", "websockify.token-source", "/x"))
                .contains("websockify.token-plugin"));
    }

    @Test
    void allowListHostsAndRanges() throws Exception {
        AllowList a = AllowList.parse("10.0.0.0/8, fd00::/8, vnc.example.com, .lab.example, 192.168.1.5", "5900-5910,22");
        assertTrue(a.allowsAddress(InetAddress.getByName("10.1.2.3")));
        assertFalse(a.allowsAddress(InetAddress.getByName("11.0.0.1")));
        assertTrue(a.allowsAddress(InetAddress.getByName("fd12::1")));
        assertFalse(a.allowsAddress(InetAddress.getByName("::1")));
        assertTrue(a.allowsAddress(InetAddress.getByName("192.168.1.5")));
        assertFalse(a.allowsAddress(InetAddress.getByName("192.168.1.6")));
        assertTrue(a.allowsName("VNC.example.com"));
        assertTrue(a.allowsName("host1.lab.example"));
        assertFalse(a.allowsName("evil-lab.example"));
        assertTrue(a.allowsPort(5900) && a.allowsPort(5910) && a.allowsPort(22));
        assertFalse(a.allowsPort(5911) || a.allowsPort(80));
    }

    @Test
    void allowListRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("10.0.0.0/33", "1"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("a b/c", "1"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("h", "0"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("h", "9-1"));
        assertThrows(IllegalArgumentException.class, () -> AllowList.parse("", "1"));
    }

    @Test
    void explicitAllowAll() throws Exception {
        AllowList a = AllowList.parse("*", "*");
        assertTrue(a.allowsAddress(InetAddress.getByName("8.8.8.8")) && a.allowsPort(1));
    }

    @Test
    void tokenOrder() {
        assertEquals("p", TokenExtractor.token(request(Map.of("token", "p"), "token=q", List.of("token=c"), "h"), true));
        assertEquals("q", TokenExtractor.token(request(Map.of(), "token=q", List.of("token=c"), "h"), true));
        assertEquals("c", TokenExtractor.token(request(Map.of(), "a=1", List.of("x=1; token=c"), "h"), true));
        assertEquals("h", TokenExtractor.token(request(Map.of(), null, List.of(), "h:6080"), true));
        assertNull(TokenExtractor.token(request(Map.of(), null, List.of(), "h:6080"), false));
    }

    @Test
    void queryTokenDecodedLikeUpstream() {
        assertEquals("a b", TokenExtractor.queryParameter("token=a+b", "token"));
        assertEquals("a/b?c", TokenExtractor.queryParameter("token=a%2Fb%3Fc", "token"));
        assertEquals("second", TokenExtractor.queryParameter("token=&token=second", "token"));
        assertEquals("x", TokenExtractor.queryParameter("token=x%0A", "token"));
    }

    @Test
    void hostTokenHandlesIpv6() {
        assertEquals("::1", TokenExtractor.hostWithoutPort("[::1]:6080"));
        assertEquals("vnc1.example", TokenExtractor.hostWithoutPort("vnc1.example:443"));
        assertEquals("vnc1.example", TokenExtractor.hostWithoutPort("vnc1.example"));
    }

    @Test
    void redactedTokensDoNotRevealTheToken() {
        String r = TokenExtractor.redact("secret-token-123");
        assertFalse(r.contains("secret"));
        assertEquals(r, TokenExtractor.redact("secret-token-123"));
    }
}
