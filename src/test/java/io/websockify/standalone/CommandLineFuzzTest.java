package io.websockify.standalone;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.websockify.config.HostPort;
import io.websockify.config.ProxySettings;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the standalone command line. Input: one argument per line; a line {@code @N} stands for
 * option number N of the real option table (as {@code --name}, {@code --name=}, or its short form), so that the
 * fuzzer reaches every option. Parsing only ever fails with a {@link UsageException} that says why; a parsed command
 * line has a listen port in range and the settings the launcher relies on, and turning those settings into the
 * proxy's configuration fails, if at all, only with a {@link SettingException} naming a setting (what the launcher
 * reports as a clear start-up error).
 */
public final class CommandLineFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void commandLines(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        for (String line : data.consumeRemainingAsString().split("\n", -1)) {
            args.add(option(line));
        }
        CommandLine c;
        try {
            c = CommandLine.parse(args.toArray(String[]::new));
        } catch (UsageException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a usage error says why");
            return;
        }
        if (c.help()) {
            return;
        }
        assertTrue(c.listen().port() >= 0 && c.listen().port() <= 65535, "listen port " + c.listen().port());
        assertEquals("true", c.settings().get(ProxySettings.ANY_PATH), "upgrades on any path");
        if (c.target() != null) {
            assertEquals(c.target().toString(), c.settings().get(ProxySettings.TARGET));
            assertEquals(c.target(), HostPort.parseTarget(c.target().toString()), "target round trip");
        }
        c.settings().forEach((k, v) -> assertFalse(v.isBlank(), "blank value for " + k));
        try {
            ProxySettings.from(Settings.of(c.settings()));
        } catch (SettingException e) {
            assertTrue(e.getMessage().contains("websockify."), "the message names a setting: " + e.getMessage());
        }
    }

    /** {@code @N}, {@code @N=}, {@code @N-} name an option of the table; anything else is the argument itself. */
    private static String option(String line) {
        if (!line.startsWith("@") || line.length() < 2) {
            return line;
        }
        int end = 1;
        while (end < line.length() && Character.isDigit(line.charAt(end)) && end < 6) {
            end++;
        }
        if (end == 1) {
            return line;
        }
        Option o = Options.ALL.get(Integer.parseInt(line.substring(1, end)) % Options.ALL.size());
        String rest = line.substring(end);
        if (rest.startsWith("-") && o.shortName() != null) {
            return "-" + o.shortName() + rest.substring(1);
        }
        return "--" + o.name() + rest;
    }
}
