package io.websockify.route;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of token extraction from what a client controls: query string, Cookie headers, Host
 * header and path parameter. Input: newline-separated fields (query, cookie, host, path token, secret). Extraction
 * never throws and gives either no token or a non-blank one; a secret token sent properly URL-encoded in the query
 * or a cookie comes back exactly (the query strips surrounding white space), and an IPv6 literal Host loses only its
 * brackets and port.
 */
public final class TokenExtractorFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void tokens(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        boolean fromHost = data.consumeBoolean();
        String[] f = data.consumeRemainingAsString().split("\n", -1);
        String query = field(f, 0);
        String cookie = field(f, 1);
        String host = field(f, 2);
        String pathToken = field(f, 3);
        String secret = field(f, 4);

        ConnectionRequest hostile = new ConnectionRequest("/t", pathToken == null ? Map.of() : Map.of("token", pathToken),
                query, cookie == null ? List.of() : List.of(cookie), host, null, "fuzz");
        String t = TokenExtractor.token(hostile, fromHost);
        assertTrue(t == null || !t.isBlank(), "no token or a non-blank one, got '" + t + "'");
        if (pathToken != null && !pathToken.isBlank()) {
            assertEquals(pathToken, t, "the path parameter wins");
        }
        assertFalse(TokenExtractor.redact(t).contains(t == null || t.length() < 6 ? "\u0000" : t),
                "a redacted token does not show the token");

        if (secret != null && !secret.isBlank()) {
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            ConnectionRequest q = new ConnectionRequest("/t", Map.of(), "x=1&token=" + encoded + ";y=2", List.of(),
                    null, null, "fuzz");
            assertEquals(secret.strip(), TokenExtractor.token(q, false), "query token '" + encoded + "'");
            ConnectionRequest c = new ConnectionRequest("/t", Map.of(), null, List.of("a=b; token=" + encoded + "; c=d"),
                    null, null, "fuzz");
            assertEquals(secret, TokenExtractor.token(c, false), "cookie token '" + encoded + "'");
        }
        if (host != null && host.matches("[0-9a-fA-F:]+") && host.contains(":")) {
            ConnectionRequest h = new ConnectionRequest("/t", Map.of(), null, List.of(), "[" + host + "]:6080", null,
                    "fuzz");
            assertEquals(host, TokenExtractor.token(h, true), "IPv6 Host header");
        }
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i] : null;
    }
}
