package io.websockify.bridge;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadBuffersTest {
    private static final int READ = 256 * 1024;

    @Test
    void aQuietSessionReadsIntoASmallHeapBuffer() {
        ReadBuffers r = new ReadBuffers(4096, READ, 8);
        ByteBuffer b = r.next(READ, false);
        assertEquals(4096, b.capacity());
        assertFalse(b.isDirect());
    }

    @Test
    void eachFilledReadStepsUpToTheNextSize() {
        ReadBuffers r = new ReadBuffers(4096, READ, 8);
        ByteBuffer streaming = r.next(4096, true);
        assertEquals(ReadBuffers.STREAMING, streaming.capacity());
        assertTrue(streaming.isDirect());
        ByteBuffer bulk = r.next(streaming.capacity(), true);
        assertEquals(READ, bulk.capacity());
        assertTrue(bulk.isDirect());
        assertEquals(READ, r.next(READ, true).capacity());
    }

    @Test
    void whenTheBulkBudgetIsLentReadsFallBackToStreamingBuffers() {
        ReadBuffers r = new ReadBuffers(4096, READ, 8);
        long max = ReadBuffers.BULK_BUDGET / READ;
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            held.add(r.next(READ, true));
        }
        assertEquals(max, r.bulkLent());
        assertTrue(held.stream().allMatch(b -> b.capacity() == READ));
        ByteBuffer extra = r.next(READ, true);
        assertEquals(ReadBuffers.STREAMING, extra.capacity());

        r.release(held.remove(0));
        assertEquals(READ, r.next(READ, true).capacity(), "a returned bulk buffer is lent again");
    }

    @Test
    void releasedBuffersAreReusedAndCounted() {
        ReadBuffers r = new ReadBuffers(4096, READ, 8);
        ByteBuffer bulk = r.next(ReadBuffers.STREAMING, true);
        ByteBuffer streaming = r.next(4096, true);
        assertEquals(1, r.bulkLent());
        assertEquals(1, r.streamingLent());
        bulk.put((byte) 1);
        r.release(bulk);
        r.release(streaming);
        r.release(null);
        assertEquals(0, r.bulkLent());
        assertEquals(0, r.streamingLent());
        ByteBuffer again = r.next(ReadBuffers.STREAMING, true);
        assertSame(bulk, again);
        assertEquals(0, again.position(), "a reused buffer comes back cleared");
    }

    @Test
    void withReadsNoLargerThanAStreamingBufferThereIsNoBulkSize() {
        ReadBuffers r = new ReadBuffers(4096, 8192, 8);
        assertEquals(8192, r.next(4096, true).capacity());
        assertEquals(8192, r.next(8192, true).capacity());
        assertEquals(0, r.bulkLent());
    }

    @Test
    void aLimitedPoolLendsNoMoreThanItsLimit() {
        BufferPool p = BufferPool.limited(1024, 2, false);
        ByteBuffer a = p.tryAcquire();
        ByteBuffer b = p.tryAcquire();
        assertNull(p.tryAcquire());
        p.release(a);
        assertSame(a, p.tryAcquire());
        p.release(ByteBuffer.allocate(512));
        assertEquals(2, p.lent(), "a buffer of another size is not counted back");
        p.release(b);
        assertEquals(1, p.lent());
    }
}
