package io.websockify.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** One frame as the server sent it, and what the raw test clients ({@link RawWebSocket}, {@link Wire}) share. */
public record WsFrame(boolean fin, int opcode, byte[] payload) {

    public int closeCode() {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }

    public String closeReason() {
        return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }

    /** For assertion messages. */
    public String describe() {
        return opcode == 8 ? "close " + closeCode() + " '" + closeReason() + "'"
                : "frame opcode " + opcode + " with " + payload.length + " bytes";
    }

    /** Reads one frame (unmasking it if masked); a declared length above {@code maxLength} is an error. */
    static WsFrame read(DataInputStream in, long maxLength) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        if (len < 0 || len > maxLength) {
            throw new IOException("the server sent a frame of " + len + " bytes");
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = new byte[4];
            in.readFully(mask);
        }
        byte[] p = new byte[(int) len];
        in.readFully(p);
        if (mask != null) {
            for (int i = 0; i < p.length; i++) {
                p[i] ^= mask[i & 3];
            }
        }
        return new WsFrame((b0 & 0x80) != 0, b0 & 0x0f, p);
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 4.2.2). */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
