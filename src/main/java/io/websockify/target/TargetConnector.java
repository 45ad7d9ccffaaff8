package io.websockify.target;

import io.websockify.reactor.Reactor;
import io.websockify.reactor.Reactors;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Opens the channel to any kind of {@link Target}. {@link #connect} returns at once for TCP; a Unix socket
 * connects immediately on the calling thread (local sockets do not wait). Exactly one callback method runs.
 * With {@link TargetTls}, TCP targets are reached over TLS and {@code connected} runs only after the handshake
 * (bounded by the same timeout as the connect); Unix sockets stay plain, as upstream's {@code --ssl-target}.
 */
public final class TargetConnector {
    private final TcpConnector tcp;
    private final Reactors reactors;
    private final TargetTls tls;
    private final ScheduledExecutorService timer;
    private final Duration timeout;

    public TargetConnector(Reactors reactors, ScheduledExecutorService timer, Duration timeout) {
        this(reactors, timer, timeout, null);
    }

    /** @param tls TLS for TCP targets ({@code websockify.ssl-target}), or null for plain TCP */
    public TargetConnector(Reactors reactors, ScheduledExecutorService timer, Duration timeout, TargetTls tls) {
        this.tcp = new TcpConnector(reactors, timer, timeout);
        this.reactors = reactors;
        this.tls = tls;
        this.timer = timer;
        this.timeout = timeout;
    }

    public void connect(Target target, ConnectCallback callback) {
        connect(target, null, callback);
    }

    /**
     * Connects to {@code target}; its socket's I/O runs on {@code reactor} (null: the next in turn), so a client
     * connection watched by the same reactor and its target share one thread.
     */
    public void connect(Target target, Reactor reactor, ConnectCallback callback) {
        Reactor r = reactor != null ? reactor : reactors.next();
        if (target instanceof Target.Tcp t) {
            tcp.connect(t.address(), r,
                    tls == null ? callback : tls.handshakeThen(t.address(), callback, timer, timeout));
        } else if (target instanceof Target.Unix u) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(u.path()));
                callback.connected(new SocketTargetChannel(ch, r, u.describe()));
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
}
