package io.websockify.testkit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A deterministic byte stream (xorshift) so senders and receivers can check every byte by SHA-256. */
public final class Pattern {
    private long state;

    public Pattern(long seed) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    /**
     * Fills {@code b} (position..limit) with the next bytes; position ends at limit. Chunks whose sizes are
     * multiples of 8 concatenate to the same stream whatever their sizes.
     */
    public void fill(ByteBuffer b) {
        while (b.remaining() >= 8) {
            b.putLong(next());
        }
        if (!b.hasRemaining()) {
            return;
        }
        long v = next();
        while (b.hasRemaining()) {
            b.put((byte) v);
            v >>>= 8;
        }
    }

    public byte[] bytes(int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        fill(b);
        return b.array();
    }

    private long next() {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return x;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the first {@code total} bytes of the pattern with this seed. */
    public static String digestOf(long seed, long total) {
        Pattern p = new Pattern(seed);
        MessageDigest md = sha256();
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(left, b.capacity());
            b.clear().limit(n);
            p.fill(b);
            b.flip();
            md.update(b);
            left -= n;
        }
        return hex(md.digest());
    }

    public static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder();
        for (byte x : d) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
