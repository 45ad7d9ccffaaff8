package io.websockify.target;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Opens the channel to any kind of {@link Target}. {@link #connect} returns at once for TCP; a Unix socket
 * connects immediately on the calling thread (local sockets do not wait). Exactly one callback method runs.
 */
public final class TargetConnector implements AutoCloseable {
    private final TcpConnector tcp;
    private final UnixReactor unix;

    public TargetConnector(AsynchronousChannelGroup group, ScheduledExecutorService timer, Duration timeout)
            throws IOException {
        this.tcp = new TcpConnector(group, timer, timeout);
        this.unix = new UnixReactor("websockify-unix-io");
    }

    public void connect(Target target, ConnectCallback callback) {
        if (target instanceof Target.Tcp t) {
            tcp.connect(t.address(), callback);
        } else if (target instanceof Target.Unix u) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(u.path()));
                callback.connected(new UnixTargetChannel(ch, unix, u.describe()));
            } catch (IOException | RuntimeException e) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // reporting the connect failure
                    }
                }
                callback.failed(e);
            }
        }
    }

    @Override
    public void close() {
        unix.close();
    }
}
