package io.websockify.route;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token of a connection, first hit wins: the route's {@code {token}} path parameter; the {@code token}
 * query parameter (URL-decoded, so noVNC's {@code path=websockify%3Ftoken%3DXYZ} works); a {@code token} cookie;
 * the {@code Host} header without its port when the route reads tokens from the host.
 */
public final class TokenExtractor {
    private TokenExtractor() {
    }

    /** The token, or null when the request carries none. */
    public static String token(ConnectionRequest r, boolean fromHost) {
        String t = r.pathParams().get("token");
        if (blank(t)) {
            t = queryParameter(r.rawQuery(), "token");
        }
        if (blank(t)) {
            t = cookie(r, "token");
        }
        if (blank(t) && fromHost) {
            t = hostWithoutPort(r.host());
        }
        return blank(t) ? null : t;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** First non-blank value of {@code name} in a raw query, decoded like a form ({@code +} is a space). */
    static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("[&;]")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name.equals(k) && eq >= 0) {
                String v = decode(pair.substring(eq + 1));
                if (v != null) {
                    v = v.strip();
                }
                if (!blank(v)) {
                    return v;
                }
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String cookie(ConnectionRequest r, String name) {
        for (String header : r.cookies()) {
            for (String part : header.split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                    String v = p.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    if (!v.isEmpty()) {
                        String d = decode(v);
                        return d != null ? d : v;
                    }
                }
            }
        }
        return null;
    }

    /** {@code vnc1.example.com:6080} → {@code vnc1.example.com}; {@code [::1]:6080} → {@code ::1}. */
    static String hostWithoutPort(String host) {
        if (host == null) {
            return null;
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : null;
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** A token as it may appear in logs: a short digest, never the token itself. */
    public static String redact(String token) {
        if (token == null) {
            return "(none)";
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
            return String.format("#%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (java.security.NoSuchAlgorithmException e) {
            return "#?";
        }
    }
}
