package io.websockify.target;

import io.websockify.config.HostPort;
import io.websockify.reactor.Reactor;
import io.websockify.reactor.Reactors;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens TCP connections to targets: resolves every address of the host and tries them in order, each within the
 * connect timeout, with TCP_NODELAY and keepalive on. Connections are non-blocking sockets served by the
 * {@link Reactors} (see {@link SocketTargetChannel}).
 *
 * <p>{@link #connect} returns at once; exactly one of the callback's methods runs later, on an I/O thread or the
 * timer thread. Name resolution runs on the caller's thread.
 */
public final class TcpConnector {

    private final Reactors reactors;
    private final ScheduledExecutorService timer;
    private final Duration timeout;

    public TcpConnector(Reactors reactors, ScheduledExecutorService timer, Duration timeout) {
        this.reactors = reactors;
        this.timer = timer;
        this.timeout = timeout;
    }

    public void connect(HostPort target, ConnectCallback callback) {
        connect(target, null, callback);
    }

    /** Connects on {@code reactor} (null: the next in turn), so a session's sockets can share one I/O thread. */
    public void connect(HostPort target, Reactor reactor, ConnectCallback callback) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(target.host());
        } catch (UnknownHostException e) {
            callback.failed(e);
            return;
        }
        connect(target, List.of(addresses), reactor, callback);
    }

    /** Tries {@code addresses} in order on {@code target}'s port; the first that connects in time wins. */
    void connect(HostPort target, List<InetAddress> addresses, Reactor reactor, ConnectCallback callback) {
        new Attempt(target, addresses, reactor != null ? reactor : reactors.next(), callback).next(0, null);
    }

    private final class Attempt {
        private final HostPort target;
        private final List<InetAddress> addresses;
        private final Reactor reactor;
        private final ConnectCallback callback;

        Attempt(HostPort target, List<InetAddress> addresses, Reactor reactor, ConnectCallback callback) {
            this.target = target;
            this.addresses = addresses;
            this.reactor = reactor;
            this.callback = callback;
        }

        void next(int index, Throwable last) {
            if (index >= addresses.size()) {
                callback.failed(last != null ? last : new IOException("no address for " + target.host()));
                return;
            }
            InetSocketAddress address = new InetSocketAddress(addresses.get(index), target.port());
            SocketChannel ch;
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            } catch (IOException e) {
                next(index + 1, e);
                return;
            }
            Pending pending = new Pending(ch, reactor, address, index);
            pending.expiry = timer.schedule(() -> pending.fail(new IOException("connect to " + address
                    + " timed out after " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                if (ch.connect(address)) {
                    pending.succeed();
                } else {
                    reactor.changed(pending);
                }
            } catch (IOException | RuntimeException e) {
                pending.fail(e);
            }
        }

        /** One address being connected; settles once, by success, failure or the timer. */
        private final class Pending implements Reactor.Selectable {
            private final SocketChannel ch;
            private final Reactor reactor;
            private final InetSocketAddress address;
            private final int index;
            private final AtomicBoolean settled = new AtomicBoolean();
            private volatile ScheduledFuture<?> expiry;
            private SelectionKey key;

            Pending(SocketChannel ch, Reactor reactor, InetSocketAddress address, int index) {
                this.ch = ch;
                this.reactor = reactor;
                this.address = address;
                this.index = index;
            }

            @Override
            public void updateInterest(Selector selector) {
                if (settled.get()) {
                    if (key != null) {
                        key.cancel();
                    }
                    return;
                }
                try {
                    key = ch.register(selector, SelectionKey.OP_CONNECT, this);
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            }

            @Override
            public void ready(SelectionKey k) {
                try {
                    if (ch.finishConnect()) {
                        // The channel moves to its own registration; this key must go first.
                        k.cancel();
                        succeed();
                    }
                } catch (IOException | RuntimeException e) {
                    k.cancel();
                    fail(e);
                }
            }

            void succeed() {
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                cancelExpiry();
                SocketTargetChannel channel;
                try {
                    channel = new SocketTargetChannel(ch, reactor, describe(address));
                } catch (IOException e) {
                    closeQuietly(ch);
                    next(index + 1, e);
                    return;
                }
                callback.connected(channel);
            }

            void fail(Throwable e) {
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                cancelExpiry();
                closeQuietly(ch);
                reactor.changed(this);
                next(index + 1, e);
            }

            private void cancelExpiry() {
                ScheduledFuture<?> f = expiry;
                if (f != null) {
                    f.cancel(false);
                }
            }
        }
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }
}
