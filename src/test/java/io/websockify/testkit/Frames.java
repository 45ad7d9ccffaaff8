package io.websockify.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Hand-made RFC 6455 frames, right or deliberately wrong: the first byte (FIN, RSV bits, opcode) is given whole, the
 * declared length may differ from the payload, and masking may be left out.
 */
public final class Frames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Frames() {
    }

    /** A masked frame with first byte {@code b0} (for example {@code 0x82}: FIN + binary) carrying {@code payload}. */
    public static byte[] frame(int b0, byte[] payload) {
        return frame(b0, payload, true);
    }

    public static byte[] frame(int b0, byte[] payload, boolean masked) {
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.writeBytes(header(b0, payload.length, masked ? key : null));
        byte[] body = payload.clone();
        if (masked) {
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.writeBytes(body);
        return f.toByteArray();
    }

    /**
     * A frame header declaring {@code length} payload bytes (any 64-bit value, even one with the top bit set), with
     * the masking key {@code mask} or unmasked when null.
     */
    public static byte[] header(int b0, long length, byte[] mask) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(14);
        f.write(b0);
        int m = mask != null ? 0x80 : 0;
        if (length >= 0 && length < 126) {
            f.write(m | (int) length);
        } else if (length >= 0 && length < 65_536) {
            f.write(m | 126);
            f.write((int) (length >>> 8));
            f.write((int) length);
        } else {
            f.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (length >>> (8 * i)));
            }
        }
        if (mask != null) {
            f.writeBytes(mask);
        }
        return f.toByteArray();
    }

    /** A close frame payload: the code in two bytes, then {@code reason} as given (it need not be UTF-8). */
    public static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Several frames sent back to back, as one write. */
    public static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }
}
