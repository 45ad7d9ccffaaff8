package io.websockify.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A {@link Link} speaking WebSocket (binary messages, masked) over a blocking {@link SocketChannel}. */
final class WsLink implements Link {
    private final SocketChannel ch;
    private final ByteBuffer readBuf;
    private final FrameWriter writer;
    private final FrameDecoder decoder = new FrameDecoder();
    private boolean closeSent;

    private WsLink(SocketChannel ch, int bufferSize) {
        this.ch = ch;
        this.readBuf = ByteBuffer.allocateDirect(Math.max(bufferSize, 1024));
        this.writer = new FrameWriter(Math.max(bufferSize, 1024) & ~7);
    }

    /**
     * Connects and performs the handshake within {@link #OPEN_TIMEOUT_MILLIS}; the socket is closed if that fails,
     * so a proxy that stops answering (out of memory, say) fails the step instead of hanging the benchmark.
     */
    static WsLink open(InetSocketAddress server, String path, String protocol, int bufferSize) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try (Watchdog.Guard g = Watchdog.guard(ch, OPEN_TIMEOUT_MILLIS)) {
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(server);
                WsLink link = new WsLink(ch, bufferSize);
                Handshake.perform(ch, server.getHostString(), server.getPort(), path, protocol, link.readBuf);
                return link;
            } catch (IOException | RuntimeException e) {
                ch.close();
                if (g.fired()) {
                    throw new IOException("no handshake within " + OPEN_TIMEOUT_MILLIS + " ms");
                }
                throw e;
            }
        }
    }

    /** Time a proxy has to accept a connection and answer the upgrade. */
    static final long OPEN_TIMEOUT_MILLIS = 15_000;

    @Override
    public void send(ByteBuffer payload) throws IOException {
        writer.binary(ch, payload);
    }

    @Override
    public long receive(PayloadSink sink) throws IOException {
        while (true) {
            if (decoder.closed()) {
                return -1;
            }
            long n = readBuf.hasRemaining() ? decoder.feed(readBuf, sink) : 0;
            byte[] pong = decoder.takePong();
            if (pong != null && !closeSent) {
                writer.pong(ch, pong);
            }
            if (n > 0) {
                return n;
            }
            if (decoder.closed()) {
                answerClose();
                return -1;
            }
            readBuf.compact();
            int r = ch.read(readBuf);
            readBuf.flip();
            if (r < 0) {
                return -1;
            }
        }
    }

    private void answerClose() throws IOException {
        if (!closeSent) {
            closeSent = true;
            int code = decoder.closeCode();
            writer.close(ch, code == 1005 || code < 0 ? 1000 : code);
        }
    }

    @Override
    public void finish() throws IOException {
        try {
            if (!closeSent) {
                closeSent = true;
                writer.close(ch, 1000);
            }
            while (!decoder.closed()) {
                if (receive(PayloadSink.DISCARD) < 0) {
                    break;
                }
            }
        } finally {
            ch.close();
        }
    }

    @Override
    public int closeCode() {
        return decoder.closeCode();
    }

    @Override
    public String closeReason() {
        return decoder.closeReason();
    }

    @Override
    public SocketChannel channel() {
        return ch;
    }

    /** The unparsed bytes and the decoder, for a non-blocking reader that takes the link over. */
    ByteBuffer readBuffer() {
        return readBuf;
    }

    FrameDecoder decoder() {
        return decoder;
    }
}
