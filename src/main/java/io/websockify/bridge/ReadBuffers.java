package io.websockify.bridge;

import java.nio.ByteBuffer;

/**
 * The buffers sessions read target data into, sized by how much the target just sent, so memory follows traffic:
 * <ul>
 *   <li>quiet: a small heap buffer, after a read that did not fill its buffer;</li>
 *   <li>streaming: a direct buffer of up to 64 KiB, after a quiet read that filled;</li>
 *   <li>bulk: a direct buffer of the full read size ({@code websockify.buffer-size}) when that is larger, after a
 *       streaming or bulk read that filled. Few of these exist at a time (their total is {@link #BULK_BUDGET}
 *       bytes); when all are lent, a session reads into a streaming buffer instead.</li>
 * </ul>
 * Large reads halve the proxy's system calls and its CPU per byte on a fast target; the budget keeps hundreds of
 * busy sessions from holding hundreds of megabytes.
 *
 * <p>Thread-safe. A buffer from {@link #next} belongs to the caller until it is given to {@link #release}, once.
 */
public final class ReadBuffers {
    /** Largest streaming buffer; also upstream websockify's read size. */
    public static final int STREAMING = 64 * 1024;
    /** Bytes all bulk buffers together may take. */
    public static final long BULK_BUDGET = 64L << 20;

    private final BufferPool quiet;
    private final BufferPool streaming;
    private final BufferPool bulk;

    /**
     * @param quietSize   bytes of the buffer a quiet session reads into
     * @param readSize    the largest read ({@code websockify.buffer-size})
     * @param retain      how many free streaming buffers to keep for reuse
     */
    public ReadBuffers(int quietSize, int readSize, int retain) {
        int streamingSize = Math.min(STREAMING, readSize);
        this.quiet = new BufferPool(Math.min(quietSize, readSize), retain, false);
        this.streaming = new BufferPool(streamingSize, retain, true);
        this.bulk = readSize > streamingSize
                ? BufferPool.limited(readSize, (int) Math.max(2, BULK_BUDGET / readSize), true)
                : null;
    }

    /**
     * A cleared buffer for the next read, given the buffer the previous read went into ({@code lastCapacity}) and
     * whether that read filled it.
     */
    public ByteBuffer next(int lastCapacity, boolean lastFilled) {
        if (!lastFilled) {
            return quiet.acquire();
        }
        if (bulk != null && lastCapacity >= streaming.bufferSize()) {
            ByteBuffer b = bulk.tryAcquire();
            if (b != null) {
                return b;
            }
        }
        return streaming.acquire();
    }

    /** Gives back a buffer from {@link #next}; null is ignored. */
    public void release(ByteBuffer b) {
        if (b == null) {
            return;
        }
        if (bulk != null && bulk.owns(b)) {
            bulk.release(b);
        } else if (streaming.owns(b)) {
            streaming.release(b);
        } else {
            quiet.release(b);
        }
    }

    /** Bulk buffers lent out now (0 when reads are no larger than a streaming buffer). */
    public int bulkLent() {
        return bulk == null ? 0 : bulk.lent();
    }

    /** Streaming buffers lent out now. */
    public int streamingLent() {
        return streaming.lent();
    }
}
