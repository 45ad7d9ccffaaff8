package io.websockify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes client frames as RFC 6455 requires: masked with a fresh random key per frame. Masking runs eight bytes at
 * a time into a reused direct buffer, so the load generator is not what limits a proxy. Not thread-safe: one per
 * connection, used by the thread that sends.
 */
final class FrameWriter {
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PONG = 0xA;

    private final ByteBuffer out;

    /** @param chunk bytes masked per socket write (a multiple of 8); messages may be longer */
    FrameWriter(int chunk) {
        out = ByteBuffer.allocateDirect(14 + chunk).order(ByteOrder.BIG_ENDIAN);
    }

    /** Sends {@code payload} (position..limit, consumed) as one binary message, blocking until it is written. */
    void binary(SocketChannel ch, ByteBuffer payload) throws IOException {
        frame(ch, OP_BINARY, payload);
    }

    void close(SocketChannel ch, int code) throws IOException {
        frame(ch, OP_CLOSE, ByteBuffer.allocate(2).putShort((short) code).flip());
    }

    void pong(SocketChannel ch, byte[] data) throws IOException {
        frame(ch, OP_PONG, ByteBuffer.wrap(data));
    }

    void frame(SocketChannel ch, int opcode, ByteBuffer payload) throws IOException {
        int mask = ThreadLocalRandom.current().nextInt();
        long len = payload.remaining();
        out.clear();
        out.put((byte) (0x80 | opcode));
        if (len < 126) {
            out.put((byte) (0x80 | len));
        } else if (len <= 0xffff) {
            out.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            out.put((byte) (0x80 | 127)).putLong(len);
        }
        out.putInt(mask);
        ByteOrder order = payload.order();
        payload.order(ByteOrder.BIG_ENDIAN);
        long mask2 = ((mask & 0xffffffffL) << 32) | (mask & 0xffffffffL);
        // Chunks are multiples of 8 bytes, so the key lines up again at the start of every chunk.
        do {
            int n = Math.min(payload.remaining(), out.remaining() & ~7);
            int end = payload.position() + n;
            while (payload.position() + 8 <= end) {
                out.putLong(payload.getLong() ^ mask2);
            }
            for (int i = 0; payload.position() < end; i++) {
                out.put((byte) (payload.get() ^ (mask >>> (24 - 8 * (i & 3)))));
            }
            out.flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            out.clear();
        } while (payload.hasRemaining());
        payload.order(order);
    }
}
