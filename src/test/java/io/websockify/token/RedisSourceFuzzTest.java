package io.websockify.token;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of TokenRedis's source {@code host[:port[:db[:password[:namespace]]]]} (quoted fields
 * included): any text parses into a usable source or is refused with an {@link IllegalArgumentException} that shows
 * the expected form; a parsed source never shows its password, and text without quotes splits into fields that join
 * back to it.
 */
public final class RedisSourceFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void sources(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        String source = data.consumeRemainingAsString();
        if (source.indexOf('"') < 0) {
            assertEquals(source, String.join(":", RedisSource.fields(source)), "fields of '" + source + "'");
        }
        RedisSource r;
        try {
            r = RedisSource.parse(source);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("host[:port[:db[:password[:namespace]]]]"), e.getMessage());
            return;
        }
        assertFalse(r.host().isBlank(), "a host");
        assertTrue(r.port() >= 1 && r.port() <= 65535, "port " + r.port());
        assertTrue(r.database() >= 0, "database " + r.database());
        assertTrue(r.password() == null || !r.password().isEmpty(), "no empty password");
        assertTrue(r.namespace() == null || !r.namespace().isEmpty(), "no empty namespace");
        String masked = new RedisSource(r.host(), r.port(), r.database(), r.password() == null ? null : "*",
                r.namespace()).toString();
        assertEquals(masked, r.toString(), "toString does not depend on the password");
        assertEquals(r.namespace() == null ? "tok" : r.namespace() + ":tok", r.key("tok"));
    }
}
