package io.websockify.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The TCP service behind the proxies: echo, source and sink (see {@link TargetRequest}). Runs as its own process
 * (so its sockets do not count against the load generator's descriptor limit), listens on 127.0.0.1 on a free
 * port, prints {@code LISTENING <port>} and exits when its standard input closes, i.e. when the benchmark that
 * started it is gone.
 *
 * <p>Non-blocking: a few selector threads serve every connection. An echo connection holds no buffer unless the
 * client is not reading its echo; a source connection sends slices of the shared pattern table, so thousands of
 * connections cost little memory.
 */
public final class TargetServer {
    private static final int WRITE_CHUNK = 256 * 1024;

    private final ServerSocketChannel server;
    private final List<Worker> workers = new ArrayList<>();

    private TargetServer(int threads) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker();
            workers.add(w);
            Thread t = new Thread(w, "target-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        TargetServer s = new TargetServer(threads);
        Thread acceptor = new Thread(s::acceptLoop, "target-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("LISTENING " + s.server.socket().getLocalPort());
        System.out.flush();
        // Lives exactly as long as the benchmark that started it.
        InputStream in = System.in;
        while (in.read() >= 0) {
            // keep waiting
        }
        System.exit(0);
    }

    private void acceptLoop() {
        int next = 0;
        while (true) {
            try {
                SocketChannel ch = server.accept();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                workers.get(next++ % workers.size()).adopt(ch);
            } catch (IOException e) {
                System.err.println("target: accept failed: " + e);
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    /** One selector thread and the connections it owns. */
    private static final class Worker implements Runnable {
        private final Selector selector;
        private final Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
        private final ByteBuffer readBuf = ByteBuffer.allocateDirect(256 * 1024);

        Worker() throws IOException {
            selector = Selector.open();
        }

        void adopt(SocketChannel ch) {
            incoming.add(ch);
            selector.wakeup();
        }

        @Override
        public void run() {
            while (true) {
                try {
                    selector.select();
                    SocketChannel ch;
                    while ((ch = incoming.poll()) != null) {
                        try {
                            ch.register(selector, SelectionKey.OP_READ, new Conn(ch));
                        } catch (ClosedChannelException e) {
                            // gone before it started
                        }
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        Conn c = (Conn) k.attachment();
                        try {
                            if (k.isValid() && k.isWritable()) {
                                c.writable(k);
                            }
                            if (k.isValid() && k.isReadable()) {
                                c.readable(k, readBuf);
                            }
                        } catch (IOException | RuntimeException e) {
                            c.close(k);
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    System.err.println("target: selector failed: " + e);
                    return;
                }
            }
        }
    }

    /** State of one connection. Used only by its worker thread. */
    private static final class Conn {
        private final SocketChannel ch;
        private ByteBuffer header = ByteBuffer.allocate(TargetRequest.SIZE);
        private TargetRequest request;
        private ByteBuffer pendingEcho;
        private long sent;
        private Pattern.Checker checker;
        private boolean outputDone;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void readable(SelectionKey k, ByteBuffer buf) throws IOException {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                close(k);
                return;
            }
            buf.flip();
            if (request == null) {
                while (header.hasRemaining() && buf.hasRemaining()) {
                    header.put(buf.get());
                }
                if (header.hasRemaining()) {
                    return;
                }
                request = TargetRequest.decode(header.flip());
                header = null;
                switch (request.mode()) {
                    case SOURCE -> k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    case SINK -> checker = new Pattern.Checker(request.seed());
                    case ECHO -> { }
                }
            }
            if (!buf.hasRemaining()) {
                return;
            }
            switch (request.mode()) {
                case ECHO -> echo(k, buf);
                case SINK -> sink(k, buf);
                case SOURCE -> buf.position(buf.limit());
            }
        }

        private void echo(SelectionKey k, ByteBuffer buf) throws IOException {
            ch.write(buf);
            if (buf.hasRemaining()) {
                // The client is not taking its echo: stop reading until it does (no unbounded queue here either).
                pendingEcho = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
                k.interestOps(SelectionKey.OP_WRITE);
            }
        }

        private void sink(SelectionKey k, ByteBuffer buf) throws IOException {
            long want = request.length() - checker.bytes();
            if (buf.remaining() > want) {
                System.err.println("target: sink got more than the " + request.length() + " bytes announced");
                close(k);
                return;
            }
            checker.accept(buf);
            if (checker.bytes() == request.length()) {
                if (!checker.ok()) {
                    System.err.println("target: sink stream " + request.seed() + ": " + checker.problem());
                }
                ch.write(ByteBuffer.wrap(new byte[] {checker.ok() ? TargetRequest.SINK_OK : TargetRequest.SINK_BAD}));
            }
        }

        void writable(SelectionKey k) throws IOException {
            if (pendingEcho != null) {
                ch.write(pendingEcho);
                if (!pendingEcho.hasRemaining()) {
                    pendingEcho = null;
                    k.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if (request == null || request.mode() != TargetRequest.Mode.SOURCE || outputDone) {
                return;
            }
            long total = request.length() < 0 ? Long.MAX_VALUE : request.length();
            // One chunk per wake-up keeps many busy connections fair to each other.
            int n = (int) Math.min(WRITE_CHUNK, total - sent);
            if (n > 0) {
                sent += ch.write(Pattern.slice(request.seed(), sent, n));
            }
            if (sent == total) {
                // The connection stays open: the client ends it. (Ending it here would measure the proxy's
                // close path, which is the tests' business, not its throughput.)
                outputDone = true;
                k.interestOps(SelectionKey.OP_READ);
            }
        }

        void close(SelectionKey k) {
            k.cancel();
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
