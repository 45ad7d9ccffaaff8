package io.websockify.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A {@link Link} over plain TCP, for the raw relay (socat) that carries the same streams without WebSocket. */
final class RawLink implements Link {
    private final SocketChannel ch;
    private final ByteBuffer readBuf;

    private RawLink(SocketChannel ch, int bufferSize) {
        this.ch = ch;
        this.readBuf = ByteBuffer.allocateDirect(Math.max(bufferSize, 1024));
    }

    static RawLink open(InetSocketAddress server, int bufferSize) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try (Watchdog.Guard g = Watchdog.guard(ch, WsLink.OPEN_TIMEOUT_MILLIS)) {
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(server);
                return new RawLink(ch, bufferSize);
            } catch (IOException | RuntimeException e) {
                ch.close();
                if (g.fired()) {
                    throw new IOException("no connection within " + WsLink.OPEN_TIMEOUT_MILLIS + " ms");
                }
                throw e;
            }
        }
    }

    @Override
    public void send(ByteBuffer payload) throws IOException {
        while (payload.hasRemaining()) {
            ch.write(payload);
        }
    }

    @Override
    public long receive(PayloadSink sink) throws IOException {
        readBuf.clear();
        int n = ch.read(readBuf);
        if (n < 0) {
            return -1;
        }
        readBuf.flip();
        sink.payload(readBuf);
        return n;
    }

    @Override
    public void finish() throws IOException {
        try {
            ch.shutdownOutput();
            while (receive(PayloadSink.DISCARD) >= 0) {
                // drain until the relay closes its side
            }
        } finally {
            ch.close();
        }
    }

    @Override
    public int closeCode() {
        return -1;
    }

    @Override
    public String closeReason() {
        return "";
    }

    @Override
    public SocketChannel channel() {
        return ch;
    }
}
