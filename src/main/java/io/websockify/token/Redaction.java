package io.websockify.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Tokens in logs: a short digest, never the token (same form as the router's, so log lines correlate). */
final class Redaction {
    private Redaction() {
    }

    static String token(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return String.format("#%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (NoSuchAlgorithmException e) {
            return "#?";
        }
    }
}
