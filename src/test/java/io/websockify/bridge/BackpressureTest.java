package io.websockify.bridge;

import io.websockify.testkit.Settling;
import io.websockify.testkit.Pattern;
import io.websockify.testkit.ProxyWar;
import io.websockify.testkit.RawWebSocket;
import io.websockify.testkit.TcpTarget;
import io.websockify.testkit.WsFrame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that stops reading stops the other side at TCP's window, with a bounded number of bytes in between,
 * and the session resumes without losing a byte once it reads again. No timing is asserted: the test waits until
 * the byte counter stops moving, then checks how far it got.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BackpressureTest {
    /** Far more than any buffering between the peers may hold. */
    private static final long FLOOD = 512L << 20;
    private static final TcpTarget TARGET = TcpTarget.started(TcpTarget.source(99, FLOOD));

    @Deployment(testable = false)
    static WebArchive war() {
        return ProxyWar.create("backpressure.war", Map.of("websockify.target", TARGET.hostPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        TARGET.close();
    }


    /**
     * What the kernel may buffer on the way: the proxy's receive window from the target (up to tcp_rmem's maximum),
     * the target's send buffer (tcp_wmem's maximum), the same again towards the client, plus 16 MiB for the
     * proxy's own buffers and Tomcat's. A proxy without backpressure reads the whole flood instead.
     */
    private static long kernelBound() throws IOException {
        long rmem = Settling.procMax("/proc/sys/net/ipv4/tcp_rmem", 32L << 20);
        long wmem = Settling.procMax("/proc/sys/net/ipv4/tcp_wmem", 4L << 20);
        return 2 * (rmem + wmem) + (16L << 20);
    }




    /** Target floods a client that reads nothing: the target is stopped after a bounded amount, then all arrives. */
    @Test
    void clientThatStopsReadingStopsTheTarget() throws Exception {
        int mark = TARGET.mark();
        TARGET.setBehaviour(TcpTarget.source(99, FLOOD));
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 64 * 1024)) {
            assertEquals(101, ws.handshake("/backpressure/websockify", Map.of()).status());
            TcpTarget.Conn conn = TARGET.connection(mark, 10);
            long stalled = Settling.settle(conn.sent::get);
            long bound = kernelBound();
            System.out.printf("target -> client: target stopped after %,d bytes (bound %,d)%n", stalled, bound);
            assertTrue(stalled < FLOOD, "the target was stopped before the end of the flood");
            assertTrue(stalled < bound, "target stopped after " + stalled + " bytes, bound " + bound);

            MessageDigest md = Pattern.sha256();
            long[] count = {0};
            WsFrame close = ws.readUntilClose(md, count);
            assertEquals(FLOOD, count[0], "every byte arrived once the client read");
            assertEquals(Pattern.digestOf(99, FLOOD), Pattern.hex(md.digest()));
            assertEquals(1000, close.closeCode());
            assertEquals("Target closed", close.closeReason());
        }
    }

    /** Client floods a target that reads nothing: the client is stopped after a bounded amount, then all arrives. */
    @Test
    void targetThatStopsReadingStopsTheClient() throws Exception {
        int mark = TARGET.mark();
        CountDownLatch release = new CountDownLatch(1);
        TARGET.setBehaviour(c -> {
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.drain();
        });
        AtomicLong written = new AtomicLong();
        try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", TcpTarget.tomcatPort(), 0)) {
            ws.socket().setSendBufferSize(64 * 1024);
            assertEquals(101, ws.handshake("/backpressure/websockify", Map.of()).status());
            TcpTarget.Conn conn = TARGET.connection(mark, 10);
            Thread writer = new Thread(() -> {
                Pattern p = new Pattern(123);
                try {
                    for (long sent = 0; sent < FLOOD; sent += 64 * 1024) {
                        ws.sendBinary(p.bytes(64 * 1024));
                        written.addAndGet(64 * 1024);
                    }
                } catch (IOException e) {
                    // reported by the assertions below
                }
            }, "flooding-client");
            writer.setDaemon(true);
            writer.start();
            long stalled = Settling.settle(written::get);
            long bound = kernelBound();
            System.out.printf("client -> target: client stopped after %,d bytes (bound %,d)%n", stalled, bound);
            assertTrue(stalled < FLOOD, "the client was stopped before the end of the flood");
            assertTrue(stalled < bound, "client stopped after " + stalled + " bytes, bound " + bound);

            release.countDown();
            writer.join(120_000);
            assertEquals(FLOOD, written.get(), "the client could send everything once the target read");
            ws.sendClose(1000, "");
            assertTrue(conn.awaitDone(60), "target saw the end of the stream");
            assertEquals(FLOOD, conn.received.get());
            assertEquals(Pattern.digestOf(123, FLOOD), conn.receivedSha);
        }
    }
}
