package io.websockify.standalone;

import io.websockify.config.Access;
import io.websockify.config.HostPort;
import io.websockify.config.Limits;
import io.websockify.config.ProxySettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone command line, parsed as upstream websockify parses it. */
class CommandLineTest {

    private static CommandLine parse(String... args) throws UsageException {
        return CommandLine.parse(args);
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> CommandLine.parse(args)).getMessage();
    }

    @Test
    void listenSpecIsSplitAtTheLastColon() throws Exception {
        assertEquals(new HostPort("", 6080), parse("6080", "localhost:5900").listen());
        assertEquals(new HostPort("", 6080), parse(":6080", "localhost:5900").listen());
        assertEquals(new HostPort("127.0.0.1", 6080), parse("127.0.0.1:6080", "localhost:5900").listen());
        assertEquals(new HostPort("::1", 6080), parse("[::1]:6080", "localhost:5900").listen());
        assertEquals(new HostPort("::1", 6080), parse("::1:6080", "localhost:5900").listen());
        assertEquals(new HostPort("localhost", 0), parse("localhost:0", "localhost:5900").listen());
    }

    @Test
    void badListenPortUsesUpstreamsWords() {
        assertTrue(error("abc", "localhost:5900").startsWith("Error parsing listen port"));
        assertTrue(error("localhost:", "localhost:5900").startsWith("Error parsing listen port"));
        assertTrue(error("[::1]", "localhost:5900").startsWith("Error parsing listen port"));
        assertTrue(error("70000", "localhost:5900").contains("listen port must be between 0 and 65535"));
    }

    @Test
    void targetSpecAcceptsIpv6WithAndWithoutBrackets() throws Exception {
        assertEquals(new HostPort("localhost", 5900), parse("6080", "localhost:5900").target());
        assertEquals(new HostPort("::1", 5900), parse("6080", "[::1]:5900").target());
        assertEquals(new HostPort("::1", 5900), parse("6080", "::1:5900").target());
        // The webapp gets a form it parses back to the same target.
        assertEquals("[::1]:5900", parse("6080", "::1:5900").settings().get("websockify.target"));
    }

    @Test
    void badTargetsAreUsageErrors() {
        assertTrue(error("6080", "localhost").startsWith("Error parsing target"));
        assertTrue(error("6080", "localhost:vnc").startsWith("Error parsing target port"));
        assertTrue(error("6080", ":5900").startsWith("Error parsing target"));
        assertTrue(error("6080", "localhost:0").startsWith("Error parsing target"));
    }

    @Test
    void positionalsAreCounted() {
        assertEquals("Too few arguments", error());
        assertEquals("Too few arguments", error("6080"));
        assertEquals("Too few arguments", error("--web", "6080", "localhost:5900"));
        assertEquals("Too many arguments", error("6080", "localhost:5900", "extra"));
    }

    @Test
    void optionsTakeValuesBothWaysAndMayComeAnywhere() throws Exception {
        CommandLine a = parse("--web", "/srv/www", "6080", "localhost:5900");
        CommandLine b = parse("6080", "--web=/srv/www", "localhost:5900");
        CommandLine c = parse("6080", "localhost:5900", "--web", "/srv/www");
        for (CommandLine cmd : List.of(a, b, c)) {
            assertEquals("/srv/www", cmd.settings().get("websockify.web"));
            assertEquals(new HostPort("localhost", 5900), cmd.target());
        }
        // A value is taken as is, even when it looks like an option (as optparse does).
        assertEquals("-1", parse("--connect-timeout", "-1", "6080", "h:1").settings().get("websockify.connect-timeout"));
        assertEquals("a=b", parse("--path=a=b", "6080", "h:1").settings().get("websockify.path"));
    }

    @Test
    void everyTableOptionBecomesItsSetting() throws Exception {
        Map<String, String> s = parse("-v", "--file-only", "--web", "w", "--path", "/ws", "--connect-timeout", "3",
                "--send-timeout=4s", "--permessage-deflate", "--buffer-size", "8192", "--io-threads", "2",
                "6080", "h:1").settings();
        assertEquals("true", s.get("websockify.verbose"));
        assertEquals("true", s.get("websockify.file-only"));
        assertEquals("w", s.get("websockify.web"));
        assertEquals("/ws", s.get("websockify.path"));
        assertEquals("3", s.get("websockify.connect-timeout"));
        assertEquals("4s", s.get("websockify.send-timeout"));
        assertEquals("true", s.get("websockify.permessage-deflate"));
        assertEquals("8192", s.get("websockify.buffer-size"));
        assertEquals("2", s.get("websockify.io-threads"));
        assertEquals("h:1", s.get("websockify.target"));
        assertEquals("true", s.get("websockify.any-path"));
        for (Option o : Options.ALL) {
            if (o.setting() != null) {
                assertEquals("websockify." + o.name(), o.setting(), "one name everywhere");
            }
        }
    }

    @Test
    void anyPathIsAlwaysOnAndVerboseOnlyWhenAsked() throws Exception {
        CommandLine plain = parse("6080", "h:1");
        assertEquals("true", plain.settings().get("websockify.any-path"));
        assertFalse(plain.verbose());
        assertTrue(parse("--verbose", "6080", "h:1").verbose());
        assertTrue(parse("6080", "-v", "h:1").verbose());
    }

    @Test
    void wrapModeTurnsTheProgramIntoSettings() throws Exception {
        CommandLine c = CommandLine.parse("--wrap-mode", "respawn", "127.0.0.1:5901", "--", "Xvnc", ":1", "-geometry",
                "800x600", "it's");
        assertEquals(java.util.List.of("Xvnc", ":1", "-geometry", "800x600", "it's"),
                io.websockify.wrap.CommandLine.split(c.settings().get("websockify.wrap-command")));
        assertEquals("5901", c.settings().get("websockify.wrap-port"));
        assertEquals("respawn", c.settings().get("websockify.wrap-mode"));
        assertEquals(null, c.settings().get("websockify.target"));
        CommandLine p = CommandLine.parse("0", "--", "prog", "--port={port}");
        assertEquals(null, p.settings().get("websockify.wrap-port"), "{port} needs no port moving");
    }

    @Test
    void wrongOptionsAreUsageErrors() {
        assertEquals("no such option: --bogus", error("--bogus", "6080", "h:1"));
        assertEquals("no such option: -x", error("-x", "6080", "h:1"));
        assertEquals("--web option requires an argument", error("6080", "h:1", "--web"));
        assertEquals("--file-only option does not take a value", error("--file-only=yes", "6080", "h:1"));
        assertTrue(error("--web=", "6080", "h:1").contains("--web"));
        assertEquals("no program after --", error("6080", "--"));
        assertEquals("Too many arguments", error("6080", "h:1", "--", "prog"));
        assertTrue(error("--token-plugin", "TokenFile", "6080", "--", "prog").contains("the program is the target"));
        assertTrue(error("0", "--", "prog").contains("fixed listen port"));
        assertTrue(error("--novnc", "--web", "/tmp", "6080", "h:1").contains("--novnc"));
    }

    @Test
    void helpWinsWhereverItComes() throws Exception {
        assertTrue(parse("--help").help());
        assertTrue(parse("-h").help());
        assertTrue(parse("6080", "-h", "too", "many", "args").help());
        // An error before --help is reported first, as optparse does.
        assertEquals("no such option: --bogus", error("--bogus", "--help"));
    }

    @Test
    void helpTextListsEveryOption() {
        String help = Options.help();
        assertTrue(help.startsWith(Options.usage()));
        for (Option o : Options.ALL) {
            assertTrue(help.contains("--" + o.name()), o.name());
        }
        help.lines().forEach(line -> assertTrue(line.length() <= 79, line));
    }

    @Test
    void everySettingHasAnOptionOfTheSameName() throws Exception {
        List<String> settings = new java.util.ArrayList<>();
        for (Class<?> holder : List.of(ProxySettings.class, Access.class, Limits.class)) {
            for (java.lang.reflect.Field f : holder.getFields()) {
                if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())
                        && ((String) f.get(null)).startsWith("websockify.")) {
                    settings.add((String) f.get(null));
                }
            }
        }
        // Route settings are read by prefix (websockify. and websockify.route.NAME.), not through constants.
        for (String name : List.of("unix-target", "token-plugin", "token-source", "host-token", "allow-hosts",
                "allow-ports")) {
            settings.add("websockify." + name);
        }
        // The target is positional; any-path is always on in the standalone command.
        settings.removeAll(List.of(ProxySettings.TARGET, ProxySettings.ANY_PATH));
        for (String setting : settings) {
            String name = setting.substring("websockify.".length());
            assertTrue(Options.byName(name).isPresent(), "no option --" + name + " for " + setting);
            assertEquals(setting, Options.byName(name).get().setting());
        }
    }

    @Test
    void optionsThatPickTargetsTakeThePlaceOfTheTargetPositional() throws Exception {
        CommandLine plugin = parse("--token-plugin", "TokenFile", "--token-source", "/etc/tokens", "6080");
        assertEquals(new HostPort("", 6080), plugin.listen());
        assertEquals(null, plugin.target());
        assertFalse(plugin.settings().containsKey("websockify.target"));
        assertEquals("TokenFile", plugin.settings().get("websockify.token-plugin"));
        assertEquals("true", plugin.settings().get("websockify.any-path"));
        assertEquals("/tmp/vnc.sock", parse("--unix-target=/tmp/vnc.sock", "[::1]:6080")
                .settings().get("websockify.unix-target"));
        assertEquals("Too many arguments", error("--token-plugin", "TokenFile", "6080", "h:1"));
        assertEquals("Too many arguments", error("--unix-target", "/s", "6080", "h:1"));
        assertEquals("Too few arguments", error("--token-plugin", "TokenFile"));
        // A token source alone does not replace the target: the webapp then says it needs a plugin.
        assertEquals("Too few arguments", error("--token-source", "/etc/tokens", "6080"));
    }

    @Test
    void tlsOptionsMapToTheirSettings() throws Exception {
        CommandLine cmd = parse("--cert", "a.pem", "--key=a.key", "--key-password-file", "pw", "--ssl-only",
                "--verify-client", "--cafile", "ca.pem", "--ssl-version", "tlsv1_3", "--ssl-ciphers", "HIGH:!aNULL",
                "6080", "localhost:5900");
        Map<String, String> s = cmd.settings();
        assertEquals("a.pem", s.get(TlsSettings.CERT));
        assertEquals("a.key", s.get(TlsSettings.KEY));
        assertEquals("pw", s.get(TlsSettings.KEY_PASSWORD_FILE));
        assertEquals("true", s.get(TlsSettings.SSL_ONLY));
        assertEquals("true", s.get(TlsSettings.VERIFY_CLIENT));
        assertEquals("ca.pem", s.get(TlsSettings.CAFILE));
        assertEquals("tlsv1_3", s.get(TlsSettings.SSL_VERSION));
        assertEquals("HIGH:!aNULL", s.get(TlsSettings.SSL_CIPHERS));
    }

    @Test
    void aKeyPasswordOnTheCommandLineIsRefusedWithTheSafeWays() {
        for (String[] args : new String[][] {{"--key-password", "hunter2", "6080", "localhost:5900"},
                {"--key-password=hunter2", "6080", "localhost:5900"}}) {
            String message = error(args);
            assertTrue(message.contains("--key-password-file") && message.contains("WEBSOCKIFY_KEY_PASSWORD")
                    && message.contains("ps"), message);
            assertFalse(message.contains("hunter2"), message);
        }
    }
}
