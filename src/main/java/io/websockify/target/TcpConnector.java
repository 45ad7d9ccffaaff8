package io.websockify.target;

import io.websockify.config.HostPort;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens TCP connections to targets: resolves every address of the host and tries them in order, each within the
 * connect timeout, with TCP_NODELAY and keepalive on.
 *
 * <p>{@link #connect} returns at once; exactly one of the callback's methods runs later, on an I/O thread or the
 * timer thread. Name resolution runs on the caller's thread.
 */
public final class TcpConnector {

    private final AsynchronousChannelGroup group;
    private final ScheduledExecutorService timer;
    private final Duration timeout;

    public TcpConnector(AsynchronousChannelGroup group, ScheduledExecutorService timer, Duration timeout) {
        this.group = group;
        this.timer = timer;
        this.timeout = timeout;
    }

    public void connect(HostPort target, ConnectCallback callback) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(target.host());
        } catch (UnknownHostException e) {
            callback.failed(e);
            return;
        }
        connect(target, List.of(addresses), callback);
    }

    /** Tries {@code addresses} in order on {@code target}'s port; the first that connects in time wins. */
    void connect(HostPort target, List<InetAddress> addresses, ConnectCallback callback) {
        new Attempt(target, addresses, callback).next(0, null);
    }

    private final class Attempt {
        private final HostPort target;
        private final List<InetAddress> addresses;
        private final ConnectCallback callback;

        Attempt(HostPort target, List<InetAddress> addresses, ConnectCallback callback) {
            this.target = target;
            this.addresses = addresses;
            this.callback = callback;
        }

        void next(int index, Throwable last) {
            if (index >= addresses.size()) {
                callback.failed(last != null ? last : new IOException("no address for " + target.host()));
                return;
            }
            InetSocketAddress address = new InetSocketAddress(addresses.get(index), target.port());
            AsynchronousSocketChannel ch;
            try {
                ch = AsynchronousSocketChannel.open(group);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            } catch (IOException e) {
                next(index + 1, e);
                return;
            }
            AtomicBoolean settled = new AtomicBoolean();
            ScheduledFuture<?> expiry = timer.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    closeQuietly(ch);
                    next(index + 1, new IOException("connect to " + address + " timed out after "
                            + timeout.toMillis() + " ms"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                ch.connect(address, null, new CompletionHandler<Void, Void>() {
                    @Override
                    public void completed(Void v, Void a) {
                        if (settled.compareAndSet(false, true)) {
                            expiry.cancel(false);
                            callback.connected(new TcpTargetChannel(ch, describe(address)));
                        }
                    }

                    @Override
                    public void failed(Throwable e, Void a) {
                        if (settled.compareAndSet(false, true)) {
                            expiry.cancel(false);
                            closeQuietly(ch);
                            next(index + 1, e);
                        }
                    }
                });
            } catch (RuntimeException e) {
                if (settled.compareAndSet(false, true)) {
                    expiry.cancel(false);
                    closeQuietly(ch);
                    next(index + 1, e);
                }
            }
        }
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void closeQuietly(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }
}
