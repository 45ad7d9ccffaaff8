package io.websockify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Parses the frames a server sends (RFC 6455, unmasked) from a byte stream that arrives in arbitrary pieces, and
 * hands data payloads to a {@link PayloadSink} without copying. Control frames are collected (at most 125
 * bytes): a ping leaves a pong to send, a close records code and reason. Not thread-safe: one per connection.
 */
final class FrameDecoder {
    private long payloadLeft;
    private int opcode;
    private final byte[] control = new byte[125];
    private int controlLength;
    private byte[] pongDue;
    private boolean closed;
    private int closeCode = -1;
    private String closeReason = "";
    private long dataBytes;
    private long frames;

    /**
     * Consumes complete frames and payload pieces from {@code buf} (read mode). Leaves an incomplete header at the
     * buffer's position for the next call (the caller compacts and reads more).
     *
     * @return payload bytes handed to the sink
     */
    long feed(ByteBuffer buf, PayloadSink sink) throws IOException {
        long delivered = 0;
        while (!closed) {
            if (payloadLeft > 0) {
                if (!buf.hasRemaining()) {
                    break;
                }
                int n = (int) Math.min(payloadLeft, buf.remaining());
                if (opcode >= 0x8) {
                    buf.get(control, controlLength, n);
                    controlLength += n;
                } else {
                    int end = buf.position() + n;
                    int limit = buf.limit();
                    buf.limit(end);
                    sink.payload(buf);
                    buf.limit(limit).position(end);
                    delivered += n;
                    dataBytes += n;
                }
                payloadLeft -= n;
                if (payloadLeft == 0 && opcode >= 0x8) {
                    controlDone();
                }
                continue;
            }
            if (!readHeader(buf)) {
                break;
            }
            if (payloadLeft == 0 && opcode >= 0x8) {
                controlDone();
            }
        }
        return delivered;
    }

    private boolean readHeader(ByteBuffer buf) throws IOException {
        if (buf.remaining() < 2) {
            return false;
        }
        int p = buf.position();
        int b0 = buf.get(p) & 0xff;
        int b1 = buf.get(p + 1) & 0xff;
        if ((b1 & 0x80) != 0) {
            throw new IOException("server sent a masked frame");
        }
        if ((b0 & 0x70) != 0) {
            throw new IOException("server set reserved bits (an extension nobody negotiated)");
        }
        int len7 = b1 & 0x7f;
        int headerLength = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        if (buf.remaining() < headerLength) {
            return false;
        }
        long len = len7 == 126 ? buf.getShort(p + 2) & 0xffff : len7 == 127 ? buf.getLong(p + 2) : len7;
        int op = b0 & 0x0f;
        if (op >= 0x8) {
            if (len > 125 || (b0 & 0x80) == 0) {
                throw new IOException("bad control frame");
            }
            controlLength = 0;
        } else if (op != 0x0 && op != 0x2) {
            throw new IOException("unexpected frame opcode " + op + " (text on a binary session?)");
        }
        opcode = op;
        payloadLeft = len;
        frames++;
        buf.position(p + headerLength);
        return true;
    }

    private void controlDone() {
        switch (opcode) {
            case 0x8 -> {
                closed = true;
                if (controlLength >= 2) {
                    closeCode = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
                    closeReason = new String(control, 2, controlLength - 2, StandardCharsets.UTF_8);
                } else {
                    closeCode = 1005;
                }
            }
            case 0x9 -> pongDue = java.util.Arrays.copyOf(control, controlLength);
            default -> { }
        }
    }

    /** The payload of a ping that still needs its pong, once; then null. */
    byte[] takePong() {
        byte[] p = pongDue;
        pongDue = null;
        return p;
    }

    boolean closed() {
        return closed;
    }

    int closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    long dataBytes() {
        return dataBytes;
    }

    long frames() {
        return frames;
    }
}
