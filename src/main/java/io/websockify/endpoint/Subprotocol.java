package io.websockify.endpoint;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The WebSocket subprotocols websockify speaks. {@code binary} is preferred; {@code base64} (text frames carrying
 * base64) is chosen only when offered without {@code binary}; with nothing offered the session is binary and the
 * response carries no protocol header.
 */
public enum Subprotocol {
    BINARY("binary"),
    BASE64("base64"),
    NONE("");

    private final String token;

    Subprotocol(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /**
     * Splits {@code Sec-WebSocket-Protocol} header values into tokens, trimming the spaces around commas (which
     * upstream websockify does not, so it misses {@code binary} in {@code "base64, binary"}).
     */
    public static List<String> offered(Enumeration<String> headerValues) {
        List<String> out = new ArrayList<>();
        if (headerValues == null) {
            return out;
        }
        while (headerValues.hasMoreElements()) {
            addTokens(headerValues.nextElement(), out);
        }
        return out;
    }

    /** Same as {@link #offered(Enumeration)} for already split or raw values. */
    public static List<String> offered(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        if (headerValues != null) {
            for (String v : headerValues) {
                addTokens(v, out);
            }
        }
        return out;
    }

    private static void addTokens(String value, List<String> out) {
        if (value == null) {
            return;
        }
        for (String t : value.split(",")) {
            String s = t.trim();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
    }

    /** The protocol to speak for the offered list, or null when protocols were offered but none is ours. */
    public static Subprotocol choose(List<String> offered) {
        if (offered.isEmpty()) {
            return NONE;
        }
        if (offered.contains(BINARY.token)) {
            return BINARY;
        }
        if (offered.contains(BASE64.token)) {
            return BASE64;
        }
        return null;
    }

    /** The mode of a session from its negotiated protocol (empty or null means binary without a header). */
    public static Subprotocol ofNegotiated(String negotiated) {
        if (BASE64.token.equals(negotiated)) {
            return BASE64;
        }
        return BINARY.token.equals(negotiated) ? BINARY : NONE;
    }
}
