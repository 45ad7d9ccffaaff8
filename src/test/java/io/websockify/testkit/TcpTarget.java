package io.websockify.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP service for tests, on loopback, one thread per connection. What it does with a connection is
 * given as a {@link Behaviour}; every connection is recorded so a test can check what reached the target.
 */
public final class TcpTarget implements AutoCloseable {

    /** What the target does with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Conn conn) throws IOException;
    }

    /** One accepted connection and what happened on it. */
    public static final class Conn {
        public final Socket socket;
        public final AtomicLong received = new AtomicLong();
        public final AtomicLong sent = new AtomicLong();
        public final MessageDigest receivedDigest = Pattern.sha256();
        public volatile boolean sawEof;
        public volatile String receivedSha;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

        Conn(Socket socket) {
            this.socket = socket;
        }

        /** Reads to end of stream, hashing; returns the hex digest. */
        public String drain() throws IOException {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                receivedDigest.update(buf, 0, n);
                received.addAndGet(n);
            }
            sawEof = true;
            receivedSha = Pattern.hex(receivedDigest.digest());
            return receivedSha;
        }

        /** Waits until the behaviour returned (the connection is finished from the target's side). */
        public boolean awaitDone(long seconds) throws InterruptedException {
            return done.await(seconds, TimeUnit.SECONDS);
        }
    }

    private final ServerSocket server;
    private volatile Behaviour behaviour;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    public TcpTarget(Behaviour behaviour) throws IOException {
        this(behaviour, InetAddress.getLoopbackAddress());
    }

    public TcpTarget(Behaviour behaviour, InetAddress bind) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(bind, 0), 200);
        acceptor = new Thread(this::acceptLoop, "tcp-target-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A target started for a test class's static field; failures become errors of the class. */
    public static TcpTarget started(Behaviour behaviour) {
        try {
            return new TcpTarget(behaviour);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a loopback target", e);
        }
    }

    /** The port of the embedded Tomcat that Arquillian tests talk to (reserved by the build). */
    public static int tomcatPort() {
        return Integer.parseInt(System.getProperty("tomcat.http.port", "18080"));
    }

    /** Changes what later connections get; connections already open keep theirs. */
    public void setBehaviour(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code host:port} for a target setting. */
    public String hostPort() {
        InetAddress a = server.getInetAddress();
        String h = a.getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    public List<Conn> connections() {
        return conns;
    }

    /** How many connections the target has accepted so far; pass it to {@link #connection} later. */
    public int mark() {
        return conns.size();
    }

    /** The connection accepted at position {@code index} (0-based, see {@link #mark}), waiting up to {@code seconds}. */
    public Conn connection(int index, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (conns.size() <= index) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the target saw no connection #" + index + " within " + seconds + " s");
            }
            Thread.sleep(5);
        }
        return conns.get(index);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Conn c = new Conn(s);
                Behaviour b = behaviour;
                conns.add(c);
                Thread t = new Thread(() -> {
                    try {
                        b.serve(c);
                    } catch (IOException e) {
                        // The peer went away: part of many tests.
                    } finally {
                        c.done.countDown();
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                }, "tcp-target-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Conn c : conns) {
            c.socket.close();
        }
    }

    // ------------------------------------------------------------ behaviours

    /** Echoes everything back until end of stream, then closes. */
    public static Behaviour echo() {
        return c -> {
            InputStream in = c.socket.getInputStream();
            OutputStream out = c.socket.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                c.receivedDigest.update(buf, 0, n);
                c.received.addAndGet(n);
                out.write(buf, 0, n);
                c.sent.addAndGet(n);
            }
            c.sawEof = true;
            c.receivedSha = Pattern.hex(c.receivedDigest.digest());
        };
    }

    /** Sends {@code total} pattern bytes of {@code seed}, then closes (reading and hashing what arrives meanwhile). */
    public static Behaviour source(long seed, long total) {
        return c -> {
            Thread reader = new Thread(() -> {
                try {
                    c.drain();
                } catch (IOException ignored) {
                    // closed by us
                }
            });
            reader.setDaemon(true);
            reader.start();
            writePattern(c, seed, total);
            c.socket.shutdownOutput();
            try {
                reader.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Reads and hashes everything until end of stream. */
    public static Behaviour sink() {
        return Conn::drain;
    }

    /** Sends {@code bytes} then closes the socket at once (no reading). */
    public static Behaviour sendThenClose(byte[] bytes) {
        return c -> {
            c.socket.getOutputStream().write(bytes);
            c.sent.addAndGet(bytes.length);
            c.socket.getOutputStream().flush();
        };
    }

    /** Sends {@code bytes}, then resets the connection (RST via SO_LINGER 0). */
    public static Behaviour sendThenReset(byte[] bytes) {
        return c -> {
            c.socket.getOutputStream().write(bytes);
            c.sent.addAndGet(bytes.length);
            c.socket.getOutputStream().flush();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.socket.setSoLinger(true, 0);
            c.socket.close();
        };
    }

    /** Holds the connection open, reading and hashing, until the peer closes. */
    public static Behaviour hold() {
        return Conn::drain;
    }

    static void writePattern(Conn c, long seed, long total) throws IOException {
        Pattern p = new Pattern(seed);
        OutputStream out = c.socket.getOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(left, b.capacity());
            b.clear().limit(n);
            p.fill(b);
            out.write(b.array(), 0, n);
            c.sent.addAndGet(n);
            left -= n;
        }
        out.flush();
    }
}
