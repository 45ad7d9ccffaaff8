package io.websockify.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.websockify.target.Target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the listen and target specs ({@code [host:]port}, {@code host:port},
 * {@code unix_socket:/path}): any text either parses into a value that survives a round trip through its own
 * text, or is refused with an {@link IllegalArgumentException} that says why — never anything else.
 */
public final class HostPortFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void specs(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        String spec = data.consumeRemainingAsString();
        listen(spec);
        target(spec);
        anyTarget(spec);
    }

    private static void listen(String spec) {
        HostPort l;
        try {
            l = HostPort.parseListen(spec);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            return;
        }
        assertTrue(l.port() >= 0 && l.port() <= 65535, "listen port in range: " + l.port());
        // The listen host is not checked here (binding names a bad one); only plain hosts must round-trip.
        if (!l.host().contains("[") && !l.host().contains("]") && l.host().equals(l.host().trim())) {
            assertEquals(l, HostPort.parseListen(l.toString()), "listen spec round trip of '" + spec + "'");
        }
    }

    private static void target(String spec) {
        HostPort t;
        try {
            t = HostPort.parseTarget(spec);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            return;
        }
        assertTrue(t.port() >= 1 && t.port() <= 65535, "target port in range: " + t.port());
        assertFalse(t.host().isEmpty(), "a target has a host");
        assertTrue(t.host().chars().noneMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']'),
                "no space, control character, slash or bracket in the host '" + t.host() + "'");
        assertEquals(t, HostPort.parseTarget(t.toString()), "target spec round trip of '" + spec + "'");
    }

    private static void anyTarget(String spec) {
        Target t;
        try {
            t = Target.parse(spec);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            return;
        }
        if (t instanceof Target.Tcp tcp && tcp.address().host().equals("unix_socket")) {
            // A TCP host named unix_socket (written "unix_socket :1" or "[unix_socket]:1") is described as
            // "unix_socket:1", which reads back as a Unix socket: the one text that does not round-trip.
            return;
        }
        // Compared as text: a Path made from characters the platform charset cannot encode is not equal() to
        // itself re-parsed, though it names the same file.
        assertEquals(t.describe(), Target.parse(t.describe()).describe(),
                "target round trip of '" + spec + "' via '" + t.describe() + "'");
    }
}
