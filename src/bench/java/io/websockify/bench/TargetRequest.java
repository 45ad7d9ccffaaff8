package io.websockify.bench;

import java.nio.ByteBuffer;

/**
 * The first bytes a benchmark client sends through the proxy: they tell the target what to do with the
 * connection. Thirteen bytes: mode, stream seed, length (-1 = without end).
 *
 * @param mode   what the target does
 * @param seed   which {@link Pattern} stream is carried
 * @param length bytes to stream or to expect; -1 streams until the client leaves
 */
record TargetRequest(Mode mode, int seed, long length) {
    static final int SIZE = 13;

    /** What the target does with a connection. */
    enum Mode {
        /** Sends back every byte it receives. */
        ECHO('E'),
        /** Streams {@code length} bytes of the pattern, then waits for the client to close. */
        SOURCE('S'),
        /** Reads {@code length} bytes, checks them against the pattern and answers one byte: {@link #SINK_OK} or not. */
        SINK('K');

        final byte code;

        Mode(char code) {
            this.code = (byte) code;
        }

        static Mode of(byte b) {
            for (Mode m : values()) {
                if (m.code == b) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown target mode " + b);
        }
    }

    /** The sink's answer when every byte was right. */
    static final byte SINK_OK = 'K';
    static final byte SINK_BAD = 'X';

    ByteBuffer encode() {
        return ByteBuffer.allocate(SIZE).put(mode.code).putInt(seed).putLong(length).flip();
    }

    static TargetRequest decode(ByteBuffer b) {
        return new TargetRequest(Mode.of(b.get()), b.getInt(), b.getLong());
    }
}
