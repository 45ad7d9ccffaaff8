package io.websockify.reactor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A watched socket reports readable and writable once per request, on the reactor's thread, and not after cancel. */
class ChannelWatchTest {
    private Reactors reactors;
    private SocketChannel near;
    private SocketChannel far;

    @BeforeEach
    void connect() throws IOException {
        reactors = new Reactors(1, "watch-test-");
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            near = SocketChannel.open(server.getLocalAddress());
            far = server.accept();
        }
        near.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        near.close();
        far.close();
        reactors.close();
    }

    @Test
    void reportsReadableOnceDataArrivesOnTheReactorThread() throws Exception {
        ChannelWatch watch = new ChannelWatch(near, reactors.next());
        CompletableFuture<String> thread = new CompletableFuture<>();
        watch.whenReadable(() -> thread.complete(Thread.currentThread().getName()));
        far.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertEquals("watch-test-1", thread.get(10, TimeUnit.SECONDS));
        assertEquals(3, near.read(ByteBuffer.allocate(16)));
    }

    @Test
    void eachRequestGetsOneCallbackAndCanAskAgainFromIt() throws Exception {
        ChannelWatch watch = new ChannelWatch(near, reactors.next());
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Void> second = new CompletableFuture<>();
        watch.whenReadable(() -> {
            calls.incrementAndGet();
            // Data stays unread: a second request is answered at once, the first is not repeated.
            watch.whenReadable(() -> {
                calls.incrementAndGet();
                second.complete(null);
            });
        });
        far.write(ByteBuffer.wrap(new byte[] {1}));
        second.get(10, TimeUnit.SECONDS);
        // The reactor has looked at the socket again since (a marker request on the same thread proves it).
        CompletableFuture<Void> marker = new CompletableFuture<>();
        watch.whenWritable(() -> marker.complete(null));
        marker.get(10, TimeUnit.SECONDS);
        assertEquals(2, calls.get());
    }

    @Test
    void reportsWritableWhenTheSocketCanTakeMore() throws Exception {
        ChannelWatch watch = new ChannelWatch(near, reactors.next());
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        int n;
        while ((n = near.write(chunk.clear())) > 0) {
            written += n;
        }
        CompletableFuture<Void> writable = new CompletableFuture<>();
        watch.whenWritable(() -> writable.complete(null));
        assertFalse(writable.isDone(), "the socket was full");
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        long drained = 0;
        while (!writable.isDone() && drained < written) {
            drained += far.read(sink.clear());
        }
        writable.get(10, TimeUnit.SECONDS);
        assertTrue(near.write(chunk.clear()) > 0, "writable but took nothing");
    }

    @Test
    void aCancelledWatchReportsNothing() throws Exception {
        ChannelWatch watch = new ChannelWatch(near, reactors.next());
        AtomicInteger calls = new AtomicInteger();
        watch.whenReadable(calls::incrementAndGet);
        watch.cancel();
        far.write(ByteBuffer.wrap(new byte[] {1}));
        // Another watch on the same reactor sees the data: by then the cancelled one would have run.
        ChannelWatch other = new ChannelWatch(near, reactors.next());
        CompletableFuture<Void> seen = new CompletableFuture<>();
        other.whenReadable(() -> seen.complete(null));
        seen.get(10, TimeUnit.SECONDS);
        assertEquals(0, calls.get());
    }
}
