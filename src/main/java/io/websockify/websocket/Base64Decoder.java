package io.websockify.websocket;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Decodes the text frames of a {@code base64} session, which may split a base64 quantum across message parts.
 * Keeps at most three characters between calls. Not thread-safe: one per session, called by its reading thread.
 */
public final class Base64Decoder {
    private final StringBuilder carry = new StringBuilder(4);

    /** Decoded bytes of {@code part}, or null when the text is not valid base64. */
    public ByteBuffer decode(String part, boolean last) {
        StringBuilder s = new StringBuilder(carry.length() + part.length());
        s.append(carry);
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                s.append(c);
            }
        }
        carry.setLength(0);
        int usable = last ? s.length() : s.length() - s.length() % 4;
        if (last && usable % 4 != 0) {
            return null;
        }
        carry.append(s, usable, s.length());
        try {
            return ByteBuffer.wrap(Base64.getDecoder().decode(s.substring(0, usable)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
