package io.websockify.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of route path templates. Input: the template, then (after a newline) values for its
 * parameters, then a request path. A template either parses or is refused with an
 * {@link IllegalArgumentException}; a parsed template matches the path made by filling in its parameters, giving
 * back exactly those values, and matching any other path never throws and never yields an empty parameter.
 */
public final class PathTemplateFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void templates(FuzzedDataProvider data) {
        check(data);
    }

    /** One input; also called by {@link io.websockify.fuzz.AllParsersFuzzTest} for the quick fuzzing run. */
    public static void check(FuzzedDataProvider data) {
        String[] f = data.consumeRemainingAsString().split("\n", -1);
        String text = f[0];
        PathTemplate t;
        try {
            t = PathTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains("path"), "a refusal names the path");
            return;
        }
        assertEquals(text, t.toString());

        // Fill every {name} with a value (from the input, slashes removed, never empty).
        StringBuilder path = new StringBuilder();
        Map<String, String> expected = new HashMap<>();
        int next = 1;
        if (!text.equals("/")) {
            for (String seg : text.substring(1).split("/", -1)) {
                path.append('/');
                if (seg.startsWith("{")) {
                    String v = next < f.length ? f[next++].replace("/", "") : "";
                    v = v.isEmpty() ? "x" : v;
                    expected.put(seg.substring(1, seg.length() - 1), v);
                    path.append(v);
                } else {
                    path.append(seg);
                }
            }
        } else {
            path.append('/');
        }
        Map<String, String> got = t.match(path.toString());
        assertNotNull(got, "template " + text + " must match " + path);
        assertEquals(expected, got, "template " + text + " on " + path);

        String other = next < f.length ? f[next] : "";
        Map<String, String> params = t.match(other);
        if (params != null) {
            params.values().forEach(v -> assertFalse(v.isEmpty(), "an empty parameter from " + other));
            params.values().forEach(v -> assertFalse(v.contains("/"), "a parameter spans segments: " + other));
        }
    }
}
