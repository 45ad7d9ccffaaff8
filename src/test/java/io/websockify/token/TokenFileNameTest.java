package io.websockify.token;

import io.websockify.config.SettingException;
import io.websockify.target.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static io.websockify.token.TokenFilesTest.lookup;
import static io.websockify.token.TokenFilesTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TokenFileName against a directory written here, including traversal attempts. */
class TokenFileNameTest {
    @TempDir
    Path root;

    @Test
    void fileNamedLikeTheTokenHoldsTheTarget() throws Exception {
        Path dir = Files.createDirectory(root.resolve("targets"));
        Files.writeString(dir.resolve("vm1"), "192.0.2.1:5901\n");
        Files.writeString(dir.resolve("v6"), "  [::1]:5902  ");
        Files.writeString(dir.resolve("v6bare"), "::1:5903");
        Files.writeString(dir.resolve("sock"), "unix_socket:/run/vnc.sock\n");
        Files.writeString(dir.resolve("bad"), "no port here\n");
        Files.writeString(dir.resolve("huge"), "h:1" + " ".repeat(10_000));
        Files.createDirectory(dir.resolve("subdir"));
        try (LogCapture log = new LogCapture(TokenFileName.class);
             TokenFileName plugin = new TokenFileName(dir.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(plugin, "vm1"));
            assertEquals(Optional.of(tcp("::1", 5902)), lookup(plugin, "v6"));
            assertEquals(Optional.of(tcp("::1", 5903)), lookup(plugin, "v6bare"));
            assertEquals(Optional.of(new Target.Unix(Path.of("/run/vnc.sock"))), lookup(plugin, "sock"));
            assertEquals(Optional.empty(), lookup(plugin, "missing"));
            assertEquals(Optional.empty(), lookup(plugin, "subdir"));
            assertEquals(Optional.empty(), lookup(plugin, "bad"));
            assertEquals(Optional.empty(), lookup(plugin, "huge"));
            // The file name is the token: logged as its digest only.
            assertEquals(1, log.count("Token file " + Redaction.token("bad") + " in " + dir + " ignored: bad target"),
                    log.messages().toString());
            assertEquals(1, log.count(Redaction.token("huge") + " in " + dir + " ignored: larger than 4096 bytes"),
                    log.messages().toString());

            // Edits apply at once: nothing is cached.
            Files.writeString(dir.resolve("vm1"), "192.0.2.1:5999");
            assertEquals(Optional.of(tcp("192.0.2.1", 5999)), lookup(plugin, "vm1"));
        }
    }

    @Test
    void onlyTheLastPathComponentCountsAndNothingLeavesTheDirectory() throws Exception {
        Path dir = Files.createDirectory(root.resolve("targets"));
        Files.writeString(dir.resolve("vm1"), "192.0.2.1:5901");
        Files.writeString(root.resolve("outside"), "203.0.113.9:22");
        Files.createSymbolicLink(dir.resolve("link-out"), root.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("link-in"), dir.resolve("vm1"));
        try (TokenFileName plugin = new TokenFileName(dir.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(plugin, "x/y/vm1"));
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(plugin, "../vm1"));
            assertEquals(Optional.of(tcp("192.0.2.1", 5901)), lookup(plugin, "link-in"));
            for (String escape : new String[] {"../outside", "/outside", root.resolve("outside").toString(),
                    "..", ".", "", "vm1/", "link-out", "a\0b"}) {
                assertEquals(Optional.empty(), lookup(plugin, escape), escape);
            }
        }
    }

    @Test
    void sourceMustBeAnExistingDirectory() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        assertThrows(IllegalArgumentException.class, () -> new TokenFileName(file.toString()));
        SettingException e = assertThrows(SettingException.class,
                () -> TokenPlugins.create("TokenFileName", root.resolve("missing").toString()));
        assertTrue(e.getMessage().contains("websockify.token-source"), e.getMessage());
    }
}
