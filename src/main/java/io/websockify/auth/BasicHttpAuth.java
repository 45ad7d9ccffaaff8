package io.websockify.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Upstream's {@code BasicHTTPAuth}: source {@code user:password} (the password may contain colons). No or wrong
 * credentials → 401 with {@code WWW-Authenticate: Basic realm="Websockify"}; another scheme or undecodable
 * credentials → 403 (upstream drops the connection for bad base64). Compares in constant time.
 */
public final class BasicHttpAuth implements AuthPlugin {
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"Websockify\"");
    private final byte[] expected;

    public BasicHttpAuth(String source) {
        if (source == null || source.indexOf(':') < 0) {
            throw new IllegalArgumentException("BasicHTTPAuth needs user:password");
        }
        this.expected = source.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void authenticate(AuthRequest request) throws AuthException {
        String h = request.header("Authorization");
        if (h == null) {
            throw new AuthException(401, "Unauthorized", CHALLENGE);
        }
        int sp = h.indexOf(' ');
        if (sp < 0 || !h.substring(0, sp).toLowerCase(Locale.ROOT).equals("basic")) {
            throw new AuthException(403, "Forbidden");
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(h.substring(sp + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new AuthException(403, "Forbidden");
        }
        if (new String(given, StandardCharsets.ISO_8859_1).indexOf(':') < 0) {
            throw new AuthException(403, "Forbidden");
        }
        if (!MessageDigest.isEqual(given, expected)) {
            throw new AuthException(401, "Unauthorized", CHALLENGE);
        }
    }
}
