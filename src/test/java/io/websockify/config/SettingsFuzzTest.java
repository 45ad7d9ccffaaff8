package io.websockify.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the typed setting readers (boolean, bounded integer, duration) with any value: each
 * returns a value within its contract or throws a {@link SettingException} whose message names the setting and
 * quotes the value — never anything else.
 */
public final class SettingsFuzzTest {
    private static final String NAME = "websockify.fuzzed";

    @FuzzTest(maxDuration = "10s")
    void typedValues(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        int min = data.consumeInt(-5, 100);
        int max = data.consumeInt(min, Integer.MAX_VALUE);
        String raw = data.consumeRemainingAsString();
        Settings s = Settings.of(Map.of(NAME, raw));
        boolean blank = raw.isBlank();

        try {
            boolean b = s.bool(NAME, true);
            assertTrue(!blank || b, "a blank value gives the default");
        } catch (SettingException e) {
            assertNamed(e, raw, blank);
        }
        try {
            int i = s.integer(NAME, min - 1, min, max);
            assertTrue(blank ? i == min - 1 : i >= min && i <= max, i + " outside [" + min + ", " + max + "]");
        } catch (SettingException e) {
            assertNamed(e, raw, blank);
        }
        try {
            Duration d = s.duration(NAME, Duration.ofSeconds(-1));
            assertTrue(blank ? d.equals(Duration.ofSeconds(-1)) : !d.isNegative(), "duration " + d + " from '" + raw + "'");
        } catch (SettingException e) {
            assertNamed(e, raw, blank);
        }
    }

    private static void assertNamed(SettingException e, String raw, boolean blank) {
        assertFalse(blank, "a blank value is no value: it must give the default, not " + e.getMessage());
        assertTrue(e.getMessage().contains(NAME), "the message names the setting: " + e.getMessage());
        assertTrue(e.getMessage().contains("'" + raw.trim() + "'"), "the message quotes the value: " + e.getMessage());
    }
}
