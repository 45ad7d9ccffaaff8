package io.websockify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads many streaming sessions at once on a few selector threads (so 256 sessions do not need 256 client
 * threads), checking every byte of each against its pattern and counting it.
 *
 * <p>A session is handed over after its handshake and request, blocking; from then on only this class touches
 * its channel. {@link Session#bytes()} may be read from any thread.
 */
final class StreamReaders implements AutoCloseable {

    /** One streaming session's state. */
    static final class Session {
        final Link link;
        final Pattern.Checker checker;
        private final ByteBuffer buf;
        private final FrameDecoder decoder;
        private volatile long bytes;
        private volatile String error;

        Session(Link link, int seed) {
            this.link = link;
            this.checker = new Pattern.Checker(seed);
            if (link instanceof WsLink ws) {
                this.buf = ws.readBuffer();
                this.decoder = ws.decoder();
            } else {
                this.buf = ByteBuffer.allocateDirect(64 * 1024).flip();
                this.decoder = null;
            }
        }

        long bytes() {
            return bytes;
        }

        String error() {
            return error != null ? error : checker.ok() ? null : checker.problem();
        }

        /** Reads what is there; false once the session ended. */
        boolean readable() throws IOException {
            SocketChannel ch = link.channel();
            buf.compact();
            int n = ch.read(buf);
            buf.flip();
            if (decoder != null) {
                decoder.feed(buf, checker::accept);
                if (decoder.closed()) {
                    error = "closed by the proxy: " + decoder.closeCode() + " " + decoder.closeReason();
                    return false;
                }
            } else {
                checker.accept(buf);
            }
            bytes = checker.bytes();
            if (n < 0) {
                error = "connection ended";
                return false;
            }
            return true;
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<Selector> selectors = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    StreamReaders(List<Session> sessions, int threadCount) throws IOException {
        for (int t = 0; t < threadCount; t++) {
            selectors.add(Selector.open());
        }
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            // Bytes that came with the handshake response are checked before the channel goes non-blocking.
            if (s.decoder != null && s.buf.hasRemaining()) {
                s.decoder.feed(s.buf, s.checker::accept);
            }
            s.link.channel().configureBlocking(false);
            s.link.channel().register(selectors.get(i % threadCount), SelectionKey.OP_READ, s);
        }
        for (Selector sel : selectors) {
            Thread th = new Thread(() -> loop(sel), "bench-reader");
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
    }

    private void loop(Selector sel) {
        while (!stop.get()) {
            try {
                sel.select(100);
                for (SelectionKey k : sel.selectedKeys()) {
                    Session s = (Session) k.attachment();
                    boolean more;
                    try {
                        more = s.readable();
                    } catch (IOException e) {
                        if (s.error == null) {
                            s.error = Ctx.describe(e);
                        }
                        more = false;
                    }
                    if (!more) {
                        k.cancel();
                    }
                }
                sel.selectedKeys().clear();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Stops the readers and closes every session's socket. */
    @Override
    public void close() {
        stop.set(true);
        for (Selector s : selectors) {
            s.wakeup();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Selector s : selectors) {
            for (SelectionKey k : s.keys()) {
                try {
                    ((Session) k.attachment()).link.close();
                } catch (IOException e) {
                    // already gone
                }
            }
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
