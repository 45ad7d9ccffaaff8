package io.websockify.endpoint;

import io.websockify.bridge.BufferPool;
import io.websockify.bridge.ReadBuffers;
import io.websockify.config.ProxySettings;
import io.websockify.reactor.Reactors;
import io.websockify.route.Router;
import io.websockify.target.TargetConnector;
import io.websockify.target.TargetTls;
import io.websockify.websocket.OpenConnections;

import java.io.IOException;
import java.time.Duration;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all sessions of one deployment share: settings, buffer pools, the I/O threads for target sockets, the
 * connect timer and the session registry. Created when the application starts and closed when it stops, so an
 * undeploy leaves no thread behind.
 */
public final class ProxyRuntime implements AutoCloseable {
    /** Small reads while a target is quiet: what an idle session holds. */
    static final int SMALL_BUFFER = 4096;

    private final ProxySettings settings;
    private final Reactors reactors;
    private final ScheduledExecutorService timer;
    private final TargetConnector connector;
    private final Router router;
    private final ReadBuffers readBuffers;
    private final SessionRegistry registry = new SessionRegistry();
    private final SessionLimiter limiter;
    private final ThreadPoolExecutor pinger;
    private final ThreadPoolExecutor closer;
    private final SessionOpener opener;
    private final OpenConnections openConnections = new OpenConnections();
    private final BufferPool clientReadBuffers;

    /**
     * Starts the I/O threads; {@code router} is owned (closed) by this runtime from now on; {@code targetTls}
     * ({@code websockify.ssl-target}) or null for plain TCP targets.
     */
    public ProxyRuntime(ProxySettings settings, Router router, TargetTls targetTls) throws IOException {
        this.settings = settings;
        this.router = router;
        int threads = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
        this.reactors = new Reactors(threads, "websockify-io-");
        this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("websockify-timer-"));
        this.connector = new TargetConnector(reactors, timer, settings.connectTimeout(), targetTls);
        this.limiter = new SessionLimiter(settings.limits());
        // Bounded: when pings pile up beyond this, the newest are dropped and those clients get a later tick.
        this.pinger = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4096), daemonThreads("websockify-ping-"),
                new ThreadPoolExecutor.DiscardPolicy());
        // Bounded like everything else; when full, SessionClient closes on the calling thread instead.
        this.closer = new ThreadPoolExecutor(2, 8, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(16_384), daemonThreads("websockify-close-"),
                new ThreadPoolExecutor.AbortPolicy());
        // Busy sessions use two buffers each (one being sent, one read ahead); keeping enough for 512 busy
        // sessions spares them allocating direct memory, which only the GC gives back, on every read.
        this.readBuffers = new ReadBuffers(SMALL_BUFFER, settings.bufferSize(), 1024);
        // Built-in engine: client reads are unmasked in place and forwarded as slices, so they use their own
        // buffers, borrowed only while a session has data in flight. Larger ones measured no faster.
        this.clientReadBuffers = new BufferPool(Math.min(ReadBuffers.STREAMING, settings.bufferSize()), 256, true);
        this.opener = new SessionOpener(this);
    }

    /** The built-in engine's connections, closed by {@link #close()} after their sessions. */
    OpenConnections openConnections() {
        return openConnections;
    }

    SessionOpener opener() {
        return opener;
    }

    BufferPool clientReadBuffers() {
        return clientReadBuffers;
    }

    public ProxySettings settings() {
        return settings;
    }

    SessionLimiter limiter() {
        return limiter;
    }

    Executor pinger() {
        return pinger;
    }

    Executor closer() {
        return closer;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    public Router router() {
        return router;
    }

    TargetConnector connector() {
        return connector;
    }

    /** The socket I/O threads: target sockets, and the built-in engine's plain client connections. */
    Reactors reactors() {
        return reactors;
    }

    ReadBuffers readBuffers() {
        return readBuffers;
    }

    public SessionRegistry registry() {
        return registry;
    }

    /** Closes every session with 1001, then stops the I/O threads. */
    @Override
    public void close() {
        registry.closeAll();
        closer.shutdown();
        try {
            // Let the 1001 close frames go out before the threads stop.
            closer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Built-in engine: the closing handshakes started above get a moment, then no connection stays open.
        openConnections.closeAll(Duration.ofSeconds(2));
        router.close();
        timer.shutdownNow();
        pinger.shutdownNow();
        reactors.close();
        System.getLogger(ProxyRuntime.class.getName()).log(Level.DEBUG, "proxy runtime stopped");
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
