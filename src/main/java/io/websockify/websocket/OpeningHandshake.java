package io.websockify.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;

/**
 * The server's checks and answer for a WebSocket opening handshake (RFC 6455 4.2), for the requests the proxy
 * upgrades itself. The upgrade gate has already checked the method, the {@code Upgrade} header and the
 * subprotocols.
 */
public final class OpeningHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Outcome of {@link #check}: null for a valid request, else the status and text to refuse it with. */
    public record Refusal(int status, String message) {
    }

    private OpeningHandshake() {
    }

    /**
     * Checks {@code Sec-WebSocket-Key} (16 bytes in base64), {@code Connection: upgrade} and
     * {@code Sec-WebSocket-Version: 13}: 400 for the first two, 426 (answered with {@code Sec-WebSocket-Version: 13})
     * for another version, as Tomcat's own WebSocket filter does.
     */
    public static Refusal check(String key, Enumeration<String> connection, String version) {
        if (key == null || !validKey(key)) {
            return new Refusal(400, "Missing or invalid Sec-WebSocket-Key header");
        }
        if (!containsToken(connection, "upgrade")) {
            return new Refusal(400, "Connection header does not contain 'upgrade'");
        }
        if (version == null || !version.trim().equals("13")) {
            return new Refusal(426, "Unsupported Sec-WebSocket-Version: this server speaks 13");
        }
        return null;
    }

    static boolean validKey(String key) {
        String k = key.trim();
        if (k.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean containsToken(Enumeration<String> values, String token) {
        while (values != null && values.hasMoreElements()) {
            for (String t : values.nextElement().split(",")) {
                if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The {@code Sec-WebSocket-Accept} value for a client's key. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
