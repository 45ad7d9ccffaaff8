package io.websockify.bench;

import java.nio.ByteBuffer;

/**
 * The deterministic pseudo-random byte stream every transfer carries, so that the receiving end can check each
 * byte without the sender telling it anything.
 *
 * <p>Stream {@code seed} at offset {@code i} is byte {@code (start(seed) + i) mod PERIOD} of one table made with
 * SplitMix64 from a fixed seed. The period is not a power of two, so a proxy that drops or repeats whole buffers
 * shifts the stream and fails the check. The table is stored with its first {@link #MAX_SLICE} bytes repeated at
 * the end, so any slice of up to that length is contiguous. Comparing a received chunk is one vectorised
 * {@link ByteBuffer#mismatch}, so checking keeps up with the fastest proxy.
 *
 * <p>Immutable and thread-safe: callers only get read-only slices.
 */
final class Pattern {
    /** 16 MiB plus a prime, so buffer-sized losses never line up with the period. */
    static final int PERIOD = (16 << 20) + 1_000_003;
    static final int MAX_SLICE = 1 << 20;

    private static final ByteBuffer TABLE = build();

    private Pattern() {
    }

    private static ByteBuffer build() {
        ByteBuffer t = ByteBuffer.allocateDirect(PERIOD + MAX_SLICE);
        long x = 0x5DEECE66DL;
        while (t.remaining() >= 8) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            t.putLong(z ^ (z >>> 31));
        }
        while (t.hasRemaining()) {
            t.put((byte) t.position());
        }
        // The tail repeats the head so slices may run past the period.
        for (int i = 0; i < MAX_SLICE; i++) {
            t.put(PERIOD + i, t.get(i));
        }
        return t.clear().asReadOnlyBuffer();
    }

    /** Table index where stream {@code seed} starts. */
    static int start(int seed) {
        return (int) Long.remainderUnsigned(seed * 2_654_435_761L + 12_345L, PERIOD);
    }

    /** Table index of stream {@code seed} at {@code offset}. */
    static int index(int seed, long offset) {
        return (int) ((start(seed) + offset % PERIOD) % PERIOD);
    }

    /** A read-only view of {@code length <= MAX_SLICE} bytes of stream {@code seed} from {@code offset}. */
    static ByteBuffer slice(int seed, long offset, int length) {
        if (length > MAX_SLICE) {
            throw new IllegalArgumentException("slice too long: " + length);
        }
        return TABLE.slice(index(seed, offset), length);
    }

    /** Checks the bytes a stream delivers, in order, and counts them. Not thread-safe: one per stream. */
    static final class Checker {
        private final int seed;
        private long offset;
        private long firstBad = -1;
        private String badDetail = "";

        Checker(int seed) {
            this.seed = seed;
        }

        /** Consumes {@code data} (position..limit) and compares it with the stream; moves data's position to the end. */
        void accept(ByteBuffer data) {
            while (data.hasRemaining()) {
                int n = Math.min(data.remaining(), MAX_SLICE);
                int at = data.position();
                if (firstBad < 0) {
                    int m = data.slice(at, n).mismatch(slice(seed, offset, n));
                    if (m >= 0) {
                        firstBad = offset + m;
                        badDetail = explain(seed, firstBad, data.slice(at + m, Math.min(64, n - m)));
                    }
                }
                data.position(at + n);
                offset += n;
            }
        }

        long bytes() {
            return offset;
        }

        boolean ok() {
            return firstBad < 0;
        }

        /** Stream offset of the first wrong byte, or -1. */
        long firstBad() {
            return firstBad;
        }

        /** What the first wrong bytes look like: which stream offset they belong to, if any. */
        String badDetail() {
            return badDetail;
        }

        /** "data wrong from byte N (...)", or null when every byte was right. */
        String problem() {
            return firstBad < 0 ? null : "data wrong from byte " + firstBad + " " + badDetail;
        }
    }

    /**
     * Says where the bytes found at stream offset {@code at} come from: a later offset (bytes were lost), an
     * earlier one (bytes were repeated), another stream, or nowhere.
     */
    static String explain(int seed, long at, ByteBuffer found) {
        if (found.remaining() < 16) {
            return "(too few bytes to tell where they come from)";
        }
        int where = locate(found);
        if (where < 0) {
            return "(the bytes are not from any benchmark stream)";
        }
        long expected = index(seed, at);
        long shift = Math.floorMod(where - expected, (long) PERIOD);
        if (shift > PERIOD / 2) {
            shift -= PERIOD;
        }
        return shift > 0 ? "(" + shift + " bytes missing before it)"
                : "(" + -shift + " bytes repeated, or bytes of another stream)";
    }

    /** Table index where {@code sample} (16+ bytes) occurs, or -1. A linear scan: only for error reports. */
    static int locate(ByteBuffer sample) {
        int n = Math.min(sample.remaining(), 64);
        ByteBuffer probe = sample.slice(sample.position(), n);
        byte first = probe.get(0);
        for (int i = 0; i < PERIOD; i++) {
            if (TABLE.get(i) == first && TABLE.slice(i, n).mismatch(probe) < 0) {
                return i;
            }
        }
        return -1;
    }
}
