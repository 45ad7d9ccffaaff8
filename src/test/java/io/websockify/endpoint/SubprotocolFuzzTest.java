package io.websockify.endpoint;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the offered-subprotocol parser and the choice made from it. Input: Sec-WebSocket-Protocol
 * header values, one per line. Parsing never throws, yields trimmed non-empty tokens without commas, reads the same
 * from a list and from the container's enumeration, and the choice follows the table: binary if offered, else base64
 * if offered, none when nothing is offered, else a refusal.
 */
public final class SubprotocolFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void offeredProtocols(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        List<String> values = List.of(data.consumeRemainingAsString().split("\n", -1));
        List<String> offered = Subprotocol.offered(values);
        assertEquals(offered, Subprotocol.offered(Collections.enumeration(values)), "list and enumeration agree");
        for (String t : offered) {
            assertFalse(t.isEmpty(), "an empty token");
            assertEquals(t.trim(), t, "an untrimmed token");
            assertFalse(t.contains(","), "a token with a comma");
        }
        Subprotocol chosen = Subprotocol.choose(offered);
        if (offered.contains("binary")) {
            assertEquals(Subprotocol.BINARY, chosen);
        } else if (offered.contains("base64")) {
            assertEquals(Subprotocol.BASE64, chosen);
        } else if (offered.isEmpty()) {
            assertEquals(Subprotocol.NONE, chosen);
        } else {
            assertEquals(null, chosen, "only unknown protocols offered");
        }
        if (chosen != null) {
            assertEquals(chosen == Subprotocol.NONE ? Subprotocol.NONE : chosen,
                    Subprotocol.ofNegotiated(chosen.token()), "negotiated protocol maps back");
            assertTrue(chosen == Subprotocol.NONE || offered.contains(chosen.token()), "chose what was offered");
        }
    }
}
