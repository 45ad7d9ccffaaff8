package io.websockify.token;

import io.websockify.config.SettingException;
import io.websockify.target.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ReadOnlyTokenFile and TokenFile against files and directories written here. */
class TokenFilesTest {
    @TempDir
    Path dir;

    static Optional<Target> lookup(TokenPlugin plugin, String token) throws TokenLookupException {
        return plugin.lookup(new TokenRequest(token, null, "127.0.0.1"));
    }

    static Target tcp(String host, int port) {
        return new Target.Tcp(host, port);
    }

    /** Polls until the plugin answers as expected (file-system events are asynchronous); fails after 10 s. */
    static void awaitAnswer(TokenPlugin plugin, String token, Optional<Target> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<Target> last = lookup(plugin, token);
        while (!last.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            last = lookup(plugin, token);
        }
        assertEquals(expected, last, "answer for " + token);
    }

    private static final String FILE = """
            # comment
               # indented comment

            plain: 192.0.2.1:5900
              spaced:   host.example:5901\s\s
            tabbed:\t10.0.0.2:5902
            v6bare: ::1:5903
            v6brackets: [2001:db8::7]:5904
            sock: unix_socket:/run/vnc/one.sock
            nospace:host:5905
            two: parts: here:1
            port: host:notaport
            comment: host:5906 # trailing comment
            missing-port: host
            last: 127.0.0.1:5999""";

    @Test
    void readsUpstreamFormatAndNamesFileAndLineOfSyntaxErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.cfg"), FILE);
        try (LogCapture log = new LogCapture(TokenFileParser.class);
             ReadOnlyTokenFile plugin = new ReadOnlyTokenFile(file.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.1", 5900)), lookup(plugin, "plain"));
            assertEquals(Optional.of(tcp("host.example", 5901)), lookup(plugin, "spaced"));
            assertEquals(Optional.of(tcp("10.0.0.2", 5902)), lookup(plugin, "tabbed"));
            assertEquals(Optional.of(tcp("::1", 5903)), lookup(plugin, "v6bare"));
            assertEquals(Optional.of(tcp("2001:db8::7", 5904)), lookup(plugin, "v6brackets"));
            assertEquals(Optional.of(new Target.Unix(Path.of("/run/vnc/one.sock"))), lookup(plugin, "sock"));
            assertEquals(Optional.of(tcp("127.0.0.1", 5999)), lookup(plugin, "last"));
            for (String bad : new String[] {"nospace", "nospace:host", "two", "port", "comment", "missing-port",
                    "# comment", ""}) {
                assertEquals(Optional.empty(), lookup(plugin, bad), bad);
            }
            // Lines counted from 1 across comments and blank lines; the file is named, the token is not.
            for (int line : new int[] {10, 11, 12, 13, 14}) {
                assertEquals(1, log.count("Syntax error in " + file + " on line " + line + ":"), log.messages()
                        + " line " + line);
            }
            assertEquals(5, log.count("Syntax error"), log.messages().toString());
            assertTrue(log.messages().stream().noneMatch(m -> m.contains("nospace") || m.contains("two")),
                    log.messages().toString());
        }
    }

    @Test
    void directoryReadsRegularFilesInNameOrderLaterOverridesEarlier() throws Exception {
        Files.writeString(dir.resolve(".hidden"), "dup: 10.0.0.1:1\nhidden: 10.0.0.9:9\n");
        Files.writeString(dir.resolve("a.cfg"), "dup: 10.0.0.1:2\na: 10.0.0.1:20\n");
        Files.writeString(dir.resolve("b.cfg"), "# b\nbroken line\ndup: 10.0.0.1:3\n");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("c.cfg"), "sub: 10.0.0.1:4\n");
        try (LogCapture log = new LogCapture(TokenFileParser.class);
             ReadOnlyTokenFile plugin = new ReadOnlyTokenFile(dir.toString())) {
            assertEquals(Optional.of(tcp("10.0.0.1", 3)), lookup(plugin, "dup"));
            assertEquals(Optional.of(tcp("10.0.0.9", 9)), lookup(plugin, "hidden"));
            assertEquals(Optional.of(tcp("10.0.0.1", 20)), lookup(plugin, "a"));
            assertEquals(Optional.empty(), lookup(plugin, "sub"), "sub-directories are skipped");
            assertEquals(1, log.count("Syntax error in " + dir.resolve("b.cfg") + " on line 2:"),
                    log.messages().toString());
        }
    }

    @Test
    void missingSourceFailsStartUpNamingTheSetting() {
        String missing = dir.resolve("nope").toString();
        assertThrows(IllegalArgumentException.class, () -> new ReadOnlyTokenFile(missing));
        assertThrows(IllegalArgumentException.class, () -> new TokenFile(missing));
        for (String plugin : new String[] {"ReadOnlyTokenFile", "TokenFile"}) {
            SettingException e = assertThrows(SettingException.class, () -> TokenPlugins.create(plugin, missing));
            assertTrue(e.getMessage().contains("websockify.token-source") && e.getMessage().contains(missing),
                    e.getMessage());
        }
    }

    @Test
    void readOnlyTokenFileDoesNotSeeEditsButTokenFileDoes() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "vm: 10.0.0.1:1\n");
        try (ReadOnlyTokenFile readOnly = new ReadOnlyTokenFile(file.toString());
             TokenFile watching = new TokenFile(file.toString())) {
            Files.writeString(file, "vm: 10.0.0.1:2\nnew: 10.0.0.1:3\n");
            awaitAnswer(watching, "vm", Optional.of(tcp("10.0.0.1", 2)));
            awaitAnswer(watching, "new", Optional.of(tcp("10.0.0.1", 3)));
            // The edit is on disk (TokenFile saw it), yet the read-only table is the one read at start-up.
            assertEquals(Optional.of(tcp("10.0.0.1", 1)), lookup(readOnly, "vm"));
            assertEquals(Optional.empty(), lookup(readOnly, "new"));
        }
    }

    @Test
    void tokenFileSeesNewChangedRemovedAndReplacedFilesInADirectory() throws Exception {
        Files.writeString(dir.resolve("one.cfg"), "one: 10.0.0.1:1\n");
        try (TokenFile plugin = new TokenFile(dir.toString())) {
            assertEquals(Optional.of(tcp("10.0.0.1", 1)), lookup(plugin, "one"));

            Files.writeString(dir.resolve("two.cfg"), "two: 10.0.0.2:2\n");
            awaitAnswer(plugin, "two", Optional.of(tcp("10.0.0.2", 2)));

            Files.delete(dir.resolve("one.cfg"));
            awaitAnswer(plugin, "one", Optional.empty());

            // Editors and config tools replace files by renaming a new one over them.
            Path tmp = Files.writeString(dir.resolve(".two.tmp"), "two: 10.0.0.2:22\n");
            Files.move(tmp, dir.resolve("two.cfg"), StandardCopyOption.ATOMIC_MOVE);
            awaitAnswer(plugin, "two", Optional.of(tcp("10.0.0.2", 22)));
        }
    }

    @Test
    void tokenFileDoesNotReadAgainWhileNothingChanges() throws Exception {
        Files.writeString(dir.resolve("t.cfg"), "vm: 10.0.0.1:1\n");
        try (LogCapture log = new LogCapture(TokenFile.class);
             TokenFile plugin = new TokenFile(dir.toString(), 0, TimeUnit.SECONDS)) {
            // Even with the modification-time check on every lookup, unchanged files are not read again.
            for (int i = 0; i < 500; i++) {
                assertEquals(Optional.of(tcp("10.0.0.1", 1)), lookup(plugin, "vm"));
            }
            assertEquals(1, log.count("TokenFile " + dir), log.messages().toString());
            Files.writeString(dir.resolve("t.cfg"), "vm: 10.0.0.1:2\n");
            awaitAnswer(plugin, "vm", Optional.of(tcp("10.0.0.1", 2)));
            assertTrue(log.count("TokenFile " + dir) >= 2, log.messages().toString());
        }
    }

    @Test
    void tokenFileNoticesChangesTheWatchCannotSeeThroughModificationTimes() throws Exception {
        // The source is a symbolic link into another directory: events there do not reach the watched directory,
        // so only the once-a-second size/modification-time check finds the edit.
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path real = Files.writeString(elsewhere.resolve("real.cfg"), "vm: 10.0.0.1:1\n");
        Path watched = Files.createDirectory(dir.resolve("watched"));
        Path link = Files.createSymbolicLink(watched.resolve("tokens.cfg"), real);
        try (TokenFile plugin = new TokenFile(link.toString())) {
            assertEquals(Optional.of(tcp("10.0.0.1", 1)), lookup(plugin, "vm"));
            Files.writeString(real, "vm: 10.0.0.1:2\n");
            awaitAnswer(plugin, "vm", Optional.of(tcp("10.0.0.1", 2)));
        }
    }

    @Test
    void tokenFileAnswers503WhileTheSourceIsGoneAndRecovers() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("tokens"));
        Files.writeString(sub.resolve("t.cfg"), "vm: 10.0.0.1:1\n");
        try (TokenFile plugin = new TokenFile(sub.toString())) {
            Files.delete(sub.resolve("t.cfg"));
            Files.delete(sub);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            TokenLookupException failure = null;
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    lookup(plugin, "vm");
                    Thread.sleep(20);
                } catch (TokenLookupException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null && failure.getMessage().contains(sub.toString()), String.valueOf(failure));

            Files.createDirectory(sub);
            Files.writeString(sub.resolve("t.cfg"), "vm: 10.0.0.1:5\n");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Optional<Target> answer = Optional.empty();
            while (answer.isEmpty() && System.nanoTime() < until) {
                try {
                    answer = lookup(plugin, "vm");
                } catch (TokenLookupException e) {
                    Thread.sleep(20);
                }
            }
            assertEquals(Optional.of(tcp("10.0.0.1", 5)), answer);
        }
    }

    @Test
    void unreadableFileInDirectoryIsSkippedWithAWarning() throws IOException, TokenLookupException {
        Files.writeString(dir.resolve("good.cfg"), "good: 10.0.0.1:1\n");
        Files.write(dir.resolve("binary.cfg"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        try (LogCapture log = new LogCapture(TokenFileParser.class);
             ReadOnlyTokenFile plugin = new ReadOnlyTokenFile(dir.toString())) {
            assertEquals(Optional.of(tcp("10.0.0.1", 1)), lookup(plugin, "good"));
            assertEquals(1, log.count(dir.resolve("binary.cfg") + " skipped: not UTF-8"), log.messages().toString());
        }
    }
}
