package io.websockify.wrap;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quoting of websockify.wrap-command and websockify.wrap-env. */
class CommandLineTest {

    @Test
    void splitsAtWhiteSpaceAndHonoursQuotes() {
        assertEquals(List.of("Xvnc", ":1", "-rfbport", "5901"), CommandLine.split("  Xvnc :1\t-rfbport\n5901 "));
        assertEquals(List.of("echo", "a b", "it's", "say \"hi\"", "back\\slash", ""),
                CommandLine.split("echo 'a b' it\\'s \"say \\\"hi\\\"\" \"back\\\\slash\" ''"));
        assertEquals(List.of("--listen=127.0.0.1:{port}", "$HOME", "*"),
                CommandLine.split("--listen=127.0.0.1:{port} '$HOME' *"));
        assertEquals(List.of("ab cd"), CommandLine.split("a'b c'd"));
        assertEquals(List.of(), CommandLine.split("   "));
    }

    @Test
    void rejectsUnterminatedQuotesAndTrailingBackslash() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo 'oops"))
                .getMessage().contains("unterminated single quote"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo \"oops"))
                .getMessage().contains("unterminated double quote"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo oops\\"));
    }

    /** What the standalone launcher does with {@code -- PROGRAM ARGS...}: join, then split gives the same list. */
    @Test
    void joinRoundTrips() {
        List<String> args = List.of("/opt/my app/server", "--name=it's", "", "a\"b", "back\\slash", "tab\there",
                "new\nline", "{port}", "ünï", "$X", "-p", "5901");
        String joined = CommandLine.join(args);
        assertEquals(args, CommandLine.split(joined));
        assertEquals("Xvnc :1 -rfbport 5901", CommandLine.join(List.of("Xvnc", ":1", "-rfbport", "5901")));
    }
}
