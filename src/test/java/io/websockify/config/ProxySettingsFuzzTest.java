package io.websockify.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of a whole configuration: any set of settings (names from the real list plus those of one
 * named route, values from the fuzzer) either gives a {@link ProxySettings} or fails with a
 * {@link SettingException} whose message names a setting, which is what turns into a failed deployment with a clear
 * message. Input: lines of {@code index=value}.
 */
public final class ProxySettingsFuzzTest {
    private static final List<String> NAMES = List.of(
            "target", "path", "routes", "any-path", "connect-timeout", "send-timeout", "permessage-deflate",
            "buffer-size", "verbose", "web", "file-only", "io-threads", "novnc", "unix-target", "token-plugin",
            "token-source", "host-token", "allow-hosts", "allow-ports", "allowed-origins", "allowed-roles",
            "auth-plugin", "auth-source", "web-auth", "max-sessions", "max-sessions-per-client",
            "session-idle-timeout", "heartbeat", "max-message-size", "handshake-timeout",
            "route.r.path", "route.r.target", "route.r.unix-target", "route.r.token-plugin", "route.r.token-source",
            "route.r.host-token", "route.r.allow-hosts", "route.r.allow-ports");

    @FuzzTest(maxDuration = "10s")
    void configurations(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        Map<String, String> values = new HashMap<>();
        for (String line : data.consumeRemainingAsString().split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(line.substring(0, eq));
            } catch (NumberFormatException e) {
                continue;
            }
            values.put(Settings.PREFIX + NAMES.get(Math.floorMod(index, NAMES.size())), line.substring(eq + 1));
        }
        try {
            ProxySettings p = ProxySettings.from(Settings.of(values));
            assertFalse(p.routes().isEmpty(), "at least one route");
            assertTrue(p.limits().handshakeTimeout().toMillis() > 0, "a handshake timeout");
        } catch (SettingException e) {
            assertTrue(e.getMessage().contains("websockify."), "the message names a setting: " + e.getMessage());
        }
    }
}
