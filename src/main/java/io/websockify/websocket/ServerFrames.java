package io.websockify.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds the frames a server sends: never masked, never fragmented (RFC 6455 5.2). */
public final class ServerFrames {
    public static final int BINARY = 0x2;
    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private ServerFrames() {
    }

    /** The header of a final frame with {@code opcode} and {@code length} bytes of payload, ready to write. */
    public static ByteBuffer header(int opcode, long length) {
        ByteBuffer h;
        if (length < 126) {
            h = ByteBuffer.allocate(2);
            h.put((byte) (0x80 | opcode)).put((byte) length);
        } else if (length < 65536) {
            h = ByteBuffer.allocate(4);
            h.put((byte) (0x80 | opcode)).put((byte) 126).putShort((short) length);
        } else {
            h = ByteBuffer.allocate(10);
            h.put((byte) (0x80 | opcode)).put((byte) 127).putLong(length);
        }
        return h.flip();
    }

    /** A whole control frame (payload at most 125 bytes). */
    public static ByteBuffer control(int opcode, byte[] payload) {
        ByteBuffer f = ByteBuffer.allocate(2 + payload.length);
        f.put((byte) (0x80 | opcode)).put((byte) payload.length).put(payload);
        return f.flip();
    }

    /**
     * A whole close frame. Code 1005 ("no status") is sent as an empty close frame, as RFC 6455 forbids putting it
     * on the wire; the reason is cut to fit the 125-byte payload.
     */
    public static ByteBuffer close(int code, String reason) {
        if (code == 1005) {
            return control(CLOSE, new byte[0]);
        }
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(r.length, 123);
        // Never cut inside a UTF-8 sequence.
        while (len > 0 && len < r.length && (r[len] & 0xC0) == 0x80) {
            len--;
        }
        byte[] p = new byte[2 + len];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, len);
        return control(CLOSE, p);
    }
}
