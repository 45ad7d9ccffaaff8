package io.websockify.bridge;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A bounded pool of equally sized direct buffers. Busy sessions borrow a buffer per read and give it back once the
 * data was sent, so buffers are reused instead of reallocated, and an idle session holds none of the large ones.
 * At most {@code retain} free buffers are kept; beyond that returned buffers are dropped for the GC.
 *
 * <p>Thread-safe.
 */
public final class BufferPool {
    private final int size;
    private final boolean direct;
    private final ArrayBlockingQueue<ByteBuffer> free;

    public BufferPool(int size, int retain, boolean direct) {
        this.size = size;
        this.direct = direct;
        this.free = new ArrayBlockingQueue<>(Math.max(1, retain));
    }

    public int bufferSize() {
        return size;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes, owned by the caller until {@link #release}. */
    public ByteBuffer acquire() {
        ByteBuffer b = free.poll();
        if (b == null) {
            return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        }
        return b;
    }

    /** Gives a buffer back; the caller must not touch it afterwards. Foreign sizes are ignored. */
    public void release(ByteBuffer b) {
        if (b != null && b.capacity() == size && b.isDirect() == direct) {
            b.clear();
            free.offer(b);
        }
    }
}
