package io.websockify.target;

import io.websockify.bridge.TargetChannel;
import io.websockify.config.HostPort;
import io.websockify.reactor.Reactors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connecting tries every address in turn, each within the timeout, on real loopback sockets. */
class TcpConnectorTest {
    private Reactors reactors;
    private ScheduledExecutorService timer;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        reactors = new Reactors(1, "connector-test-io-");
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        timer.shutdownNow();
        reactors.close();
    }

    private CompletableFuture<Object> connect(Duration timeout, int port, InetAddress... addresses) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        new TcpConnector(reactors, timer, timeout).connect(new HostPort("test", port), List.of(addresses), null,
                new ConnectCallback() {
                    @Override
                    public void connected(TargetChannel channel) {
                        open.add(channel);
                        result.complete(channel.describe());
                    }

                    @Override
                    public void failed(Throwable cause) {
                        result.complete(cause);
                    }
                });
        return result;
    }

    /** A listener whose accept queue is full: further connection attempts get no answer at all. */
    private int silentPort(InetAddress bind) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(bind, 0), 1);
        open.add(s);
        for (int i = 0; i < 4; i++) {
            Socket c = new Socket();
            try {
                c.connect(new InetSocketAddress(bind, s.getLocalPort()), 200);
            } catch (IOException filled) {
                c.close();
                break;
            }
            open.add(c);
        }
        return s.getLocalPort();
    }

    @Test
    void refusedAddressIsSkippedForTheNextOne() throws Exception {
        ServerSocket listening = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        open.add(listening);
        Object r = connect(Duration.ofSeconds(5), listening.getLocalPort(), InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.0.0.1")).get(20, TimeUnit.SECONDS);
        assertEquals("127.0.0.1:" + listening.getLocalPort(), r);
    }

    @Test
    void silentAddressTimesOutThenTheNextOneIsTried() throws Exception {
        int port = silentPort(InetAddress.getByName("127.0.0.3"));
        ServerSocket listening = new ServerSocket();
        listening.bind(new InetSocketAddress("127.0.0.1", port), 10);
        open.add(listening);
        Object r = connect(Duration.ofMillis(500), port, InetAddress.getByName("127.0.0.3"),
                InetAddress.getByName("127.0.0.1")).get(20, TimeUnit.SECONDS);
        assertEquals("127.0.0.1:" + port, r);
    }

    @Test
    void allAddressesFailingReportsTheLastCause() throws Exception {
        int port = silentPort(InetAddress.getByName("127.0.0.4"));
        Object r = connect(Duration.ofMillis(300), port, InetAddress.getByName("127.0.0.4"))
                .get(20, TimeUnit.SECONDS);
        assertTrue(r instanceof IOException && ((IOException) r).getMessage().contains("timed out"), String.valueOf(r));
    }
}
