package io.websockify.bridge;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of equally sized buffers. Busy sessions borrow a buffer per read and give it back once the data
 * was sent, so buffers are reused instead of reallocated, and an idle session holds none of the large ones. At most
 * {@code retain} free buffers are kept; beyond that returned buffers are dropped for the GC. A pool made with
 * {@link #limited} also lends at most a fixed number at a time: {@link #tryAcquire} then answers null.
 *
 * <p>Thread-safe.
 */
public final class BufferPool {
    private final int size;
    private final boolean direct;
    private final ArrayBlockingQueue<ByteBuffer> free;
    private final int maxLent;
    private final AtomicInteger lent = new AtomicInteger();

    public BufferPool(int size, int retain, boolean direct) {
        this(size, retain, direct, Integer.MAX_VALUE);
    }

    private BufferPool(int size, int retain, boolean direct, int maxLent) {
        this.size = size;
        this.direct = direct;
        this.free = new ArrayBlockingQueue<>(Math.max(1, retain));
        this.maxLent = maxLent;
    }

    /** A pool that lends at most {@code maxLent} buffers at a time and keeps all of them once returned. */
    public static BufferPool limited(int size, int maxLent, boolean direct) {
        return new BufferPool(size, maxLent, direct, maxLent);
    }

    public int bufferSize() {
        return size;
    }

    /** How many buffers are lent out now. */
    public int lent() {
        return lent.get();
    }

    /** A cleared buffer of {@link #bufferSize()} bytes, owned by the caller until {@link #release}. */
    public ByteBuffer acquire() {
        lent.incrementAndGet();
        return take();
    }

    /** Like {@link #acquire}, or null when the pool already lends as many buffers as it may. */
    public ByteBuffer tryAcquire() {
        int n;
        do {
            n = lent.get();
            if (n >= maxLent) {
                return null;
            }
        } while (!lent.compareAndSet(n, n + 1));
        return take();
    }

    private ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b == null) {
            return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        }
        return b;
    }

    /** True when {@code b} has this pool's size and kind, so {@link #release} would take it back. */
    public boolean owns(ByteBuffer b) {
        return b != null && b.capacity() == size && b.isDirect() == direct;
    }

    /**
     * Gives a buffer back; the caller must not touch it afterwards. Buffers of another size or kind are ignored.
     * Every buffer acquired must be released exactly once, or a limited pool lends fewer from then on.
     */
    public void release(ByteBuffer b) {
        if (owns(b)) {
            lent.decrementAndGet();
            b.clear();
            free.offer(b);
        }
    }
}
