package io.websockify.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the frames a WebSocket client sends (RFC 6455 section 5) and unmasks their payloads in place, eight bytes
 * at a time. Data payloads are handed on as slices of the caller's buffer, without a copy; control frames (at most
 * 125 bytes) are collected across reads.
 *
 * <p>The first protocol violation is reported once with {@link Sink#invalid}: 1002 for malformed frames (unmasked,
 * reserved bits or opcodes, fragmented or oversized control frames, a continuation without a start or a new message
 * inside a fragmented one, a bad close payload), 1009 for a message over the size limit, which is checked against
 * the frame headers so none of an oversized message is handed on. The offending frame's payload is then skipped and
 * parsing goes on, so the client's answering close frame is still recognised; a length that cannot be parsed
 * (most significant bit set) ends parsing. Nothing is parsed after a close frame.
 *
 * <p>Not thread-safe: one reader per connection, called by whichever thread currently owns its read loop.
 */
public final class FrameReader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Receives what {@link #feed} parsed. Called on the feeding thread, never re-entrantly. */
    public interface Sink {
        /**
         * A piece of a data message, unmasked. {@code piece} is a slice of the fed buffer, valid until that buffer
         * is reused; {@code last} marks the end of the message. Empty pieces occur only with {@code last}.
         */
        void data(ByteBuffer piece, boolean text, boolean last);

        void ping(byte[] payload);

        void pong(byte[] payload);

        /** A close frame; {@code code} is 1005 when the frame had no payload. */
        void close(int code, String reason);

        /** The client broke the protocol; nothing more will be parsed. */
        void invalid(int code, String reason);
    }

    private final long maxMessageSize;

    // Header being assembled: up to 14 bytes.
    private final byte[] head = new byte[14];
    private int headLength;
    // Current frame.
    private boolean inPayload;
    private boolean fin;
    private int opcode;
    private int mask;
    private int maskPhase;
    private long remaining;
    // Message being received: its opcode (1 text, 2 binary) or 0 between messages, and its size so far.
    private int messageOpcode;
    private long messageSize;
    // Control frame payload being collected.
    private final byte[] control = new byte[125];
    private int controlLength;
    // A violation was reported; the current frame's payload is skipped; parsing has ended.
    private boolean broken;
    private boolean skip;
    private boolean failed;

    public FrameReader(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** True once nothing more will be parsed: after a close frame or a stream that cannot be parsed. */
    public boolean ended() {
        return failed;
    }

    /**
     * Parses from {@code in} (position to limit) until the input is used up or one data piece was handed on, so
     * the caller can pause before parsing more; advances the position past what was parsed.
     */
    public void feed(ByteBuffer in, Sink sink) {
        while (in.hasRemaining() && !failed) {
            if (!inPayload) {
                if (!readHeader(in, sink)) {
                    return;
                }
                if (skip) {
                    if (remaining == 0) {
                        inPayload = false;
                        skip = false;
                    }
                    continue;
                }
                if (opcode >= 8) {
                    controlLength = 0;
                    if (remaining == 0) {
                        inPayload = false;
                        control(sink);
                    }
                    continue;
                }
                if (remaining == 0) {
                    inPayload = false;
                    if (fin) {
                        endMessage(sink, in);
                        return;
                    }
                    continue;
                }
            }
            int n = (int) Math.min(remaining, in.remaining());
            int at = in.position();
            if (skip) {
                in.position(at + n);
                remaining -= n;
                if (remaining == 0) {
                    inPayload = false;
                    skip = false;
                }
                continue;
            }
            unmask(in, at, n);
            remaining -= n;
            if (opcode >= 8) {
                in.get(control, controlLength, n);
                controlLength += n;
                if (remaining == 0) {
                    inPayload = false;
                    control(sink);
                }
                continue;
            }
            ByteBuffer piece = in.slice(at, n);
            in.position(at + n);
            boolean last = false;
            if (remaining == 0) {
                inPayload = false;
                last = fin;
            }
            boolean text = messageOpcode == 1;
            if (last) {
                messageOpcode = 0;
                messageSize = 0;
            }
            sink.data(piece, text, last);
            return;
        }
    }

    /** A final frame without payload ends the message: hand on an empty last piece. */
    private void endMessage(Sink sink, ByteBuffer in) {
        boolean text = messageOpcode == 1;
        messageOpcode = 0;
        messageSize = 0;
        sink.data(in.slice(in.position(), 0), text, true);
    }

    /** Collects header bytes; returns true once a whole, valid header was read. */
    private boolean readHeader(ByteBuffer in, Sink sink) {
        while (in.hasRemaining()) {
            head[headLength++] = in.get();
            int needed = neededHeaderLength();
            if (headLength < needed) {
                continue;
            }
            headLength = 0;
            return startFrame(sink);
        }
        return false;
    }

    private int neededHeaderLength() {
        if (headLength < 2) {
            return 2;
        }
        int len7 = head[1] & 0x7F;
        boolean masked = (head[1] & 0x80) != 0;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
    }

    /** Takes in a complete header; returns false when parsing cannot go on. */
    private boolean startFrame(Sink sink) {
        int b0 = head[0] & 0xFF;
        int b1 = head[1] & 0xFF;
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int at = 2;
        long length;
        if (len7 == 126) {
            length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
            at = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (head[i] & 0xFF);
            }
            at = 10;
            if (length < 0) {
                violation(sink, 1002, "Frame length has its most significant bit set");
                failed = true;
                return false;
            }
        } else {
            length = len7;
        }
        mask = masked ? ((head[at] & 0xFF) << 24) | ((head[at + 1] & 0xFF) << 16) | ((head[at + 2] & 0xFF) << 8)
                | (head[at + 3] & 0xFF) : 0;
        maskPhase = 0;
        remaining = length;
        inPayload = true;
        skip = false;
        String bad = problem(masked, length);
        if (bad != null) {
            violation(sink, bad.startsWith("Message too big") ? 1009 : 1002, bad);
            skip = true;
            return true;
        }
        if (opcode < 8) {
            if (opcode != 0) {
                messageOpcode = opcode;
                messageSize = 0;
            }
            messageSize += length;
            if (messageSize > maxMessageSize) {
                violation(sink, 1009, "Message too big");
                skip = true;
            }
        }
        return true;
    }

    /** What is wrong with the frame whose header was just read, or null. */
    private String problem(boolean masked, long length) {
        if ((head[0] & 0x70) != 0) {
            return "Reserved bits set without an extension";
        }
        if (!masked) {
            return "Client frame not masked";
        }
        switch (opcode) {
            case 0x8, 0x9, 0xA -> {
                if (!fin) {
                    return "Fragmented control frame";
                }
                if (length > 125) {
                    return "Control frame payload over 125 bytes";
                }
                return null;
            }
            case 0x1, 0x2 -> {
                return messageOpcode != 0 ? "New message inside a fragmented message" : null;
            }
            case 0x0 -> {
                return messageOpcode == 0 ? "Continuation frame without a message" : null;
            }
            default -> {
                return "Reserved opcode " + opcode;
            }
        }
    }

    /** Reports the first violation; after it, data is still parsed (and may be ignored by the sink). */
    private void violation(Sink sink, int code, String reason) {
        // A broken message does not continue: what follows starts afresh.
        messageOpcode = 0;
        messageSize = 0;
        if (!broken) {
            broken = true;
            sink.invalid(code, reason);
        }
    }

    private void control(Sink sink) {
        byte[] payload = Arrays.copyOf(control, controlLength);
        switch (opcode) {
            case 0x9 -> sink.ping(payload);
            case 0xA -> sink.pong(payload);
            default -> closeFrame(payload, sink);
        }
    }

    private void closeFrame(byte[] p, Sink sink) {
        if (p.length == 0) {
            failed = true;
            sink.close(1005, "");
            return;
        }
        if (p.length == 1) {
            failed = true;
            violation(sink, 1002, "Close frame with a one-byte payload");
            return;
        }
        int code = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
        if (!validCloseCode(code)) {
            failed = true;
            violation(sink, 1002, "Invalid close code " + code);
            return;
        }
        String reason;
        try {
            reason = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(p, 2, p.length - 2)).toString();
        } catch (CharacterCodingException e) {
            failed = true;
            violation(sink, 1002, "Close reason is not UTF-8");
            return;
        }
        // Nothing after a close frame is parsed.
        failed = true;
        sink.close(code, reason);
    }

    /** Codes a peer may send (RFC 6455 7.4 and the IANA registry). */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Unmasks {@code n} payload bytes at {@code at}, continuing the mask where the previous piece stopped. */
    private void unmask(ByteBuffer in, int at, int n) {
        int m = Integer.rotateLeft(mask, 8 * maskPhase);
        if (in.hasArray()) {
            unmask(in.array(), in.arrayOffset() + at, n, m);
        } else {
            unmask(in, at, n, m);
        }
        maskPhase = (maskPhase + n) & 3;
    }

    /** The same for a direct buffer, whose byte order must be big-endian (the default). */
    static void unmask(ByteBuffer b, int off, int len, int m) {
        long m8 = ((long) m << 32) | (m & 0xFFFFFFFFL);
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            b.putLong(i, b.getLong(i) ^ m8);
        }
        for (int k = 0; i < end; i++, k++) {
            b.put(i, (byte) (b.get(i) ^ (m >>> (24 - 8 * (k & 3)))));
        }
    }

    /** XORs {@code a[off..off+len)} with the mask {@code m} (its first byte applies to {@code a[off]}). */
    static void unmask(byte[] a, int off, int len, int m) {
        long m8 = ((long) m << 32) | (m & 0xFFFFFFFFL);
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(a, i, (long) LONGS.get(a, i) ^ m8);
        }
        for (int k = 0; i < end; i++, k++) {
            a[i] ^= (byte) (m >>> (24 - 8 * (k & 3)));
        }
    }
}
