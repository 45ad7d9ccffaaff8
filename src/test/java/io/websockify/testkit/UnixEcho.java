package io.websockify.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** An echo service on a real Unix stream socket, one thread per connection. */
public final class UnixEcho implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    public final AtomicInteger connections = new AtomicInteger();

    public UnixEcho(Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread t = new Thread(this::loop, "unix-echo");
        t.setDaemon(true);
        t.start();
    }

    public Path path() {
        return path;
    }

    private void loop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> {
                    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                    try (c) {
                        while (c.read(b) >= 0) {
                            b.flip();
                            while (b.hasRemaining()) {
                                c.write(b);
                            }
                            b.clear();
                        }
                    } catch (IOException ignored) {
                        // peer gone
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
