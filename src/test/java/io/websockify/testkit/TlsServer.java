package io.websockify.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS server for tests on 127.0.0.1, one thread per connection. TLS is layered over the accepted plain
 * socket, so a behaviour can also end the TCP connection without TLS close_notify.
 */
public final class TlsServer implements AutoCloseable {

    @FunctionalInterface
    public interface Behaviour {
        /** Runs after the server's side of the handshake succeeded. */
        void serve(Conn conn) throws Exception;
    }

    /** One accepted connection. */
    public static final class Conn {
        public final Socket plain;
        public volatile SSLSocket tls;
        public volatile List<SNIServerName> sni = List.of();
        public volatile String protocol;
        public volatile Throwable handshakeError;
        public volatile Throwable error;
        public final CountDownLatch done = new CountDownLatch(1);
        public final CountDownLatch handshakeOver = new CountDownLatch(1);

        Conn(Socket plain) {
            this.plain = plain;
        }

        /** The host name the client sent by SNI, or null; waits for the server's side of the handshake. */
        public String sniHost() throws InterruptedException {
            if (!handshakeOver.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the server's handshake did not finish");
            }
            return sni.stream().filter(n -> n instanceof SNIHostName).map(n -> ((SNIHostName) n).getAsciiName())
                    .findFirst().orElse(null);
        }

        public void awaitDone() throws InterruptedException {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the server connection did not finish");
            }
        }
    }

    private final SSLContext context;
    private final String protocol;
    private final Behaviour behaviour;
    private final ServerSocket server;
    private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param keyStore      PKCS12 with the server key and certificate
     * @param protocol      the one TLS version to allow, e.g. {@code TLSv1.3}
     * @param receiveBuffer SO_RCVBUF for accepted sockets, 0 for the system's default
     */
    public TlsServer(Path keyStore, String protocol, int receiveBuffer, Behaviour behaviour) throws Exception {
        context = serverContext(keyStore);
        this.protocol = protocol;
        this.behaviour = behaviour;
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);
        }
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        Thread t = new Thread(this::acceptLoop, "tls-test-server-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A server-side context with the key and certificate in {@code keyStore}. */
    public static SSLContext serverContext(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance(keyStore.toFile(), TlsCertificates.PASSWORD.toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TlsCertificates.PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    public int port() {
        return server.getLocalPort();
    }

    public Conn next() throws InterruptedException {
        Conn c = accepted.poll(30, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("the TLS server saw no connection");
        }
        return c;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            Conn c = new Conn(s);
            conns.add(c);
            accepted.add(c);
            Thread t = new Thread(() -> serve(c), "tls-test-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Conn c) {
        try {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(c.plain, (InputStream) null, true);
            tls.setEnabledProtocols(new String[] {protocol});
            c.tls = tls;
            try {
                tls.startHandshake();
                c.sni = ((ExtendedSSLSession) tls.getSession()).getRequestedServerNames();
                c.protocol = tls.getSession().getProtocol();
            } catch (IOException e) {
                c.handshakeError = e;
                return;
            } finally {
                c.handshakeOver.countDown();
            }
            behaviour.serve(c);
        } catch (Exception e) {
            c.error = e;
        } finally {
            try {
                c.plain.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            c.done.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Conn c : conns) {
            c.plain.close();
        }
    }
}
