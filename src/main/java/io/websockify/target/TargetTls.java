package io.websockify.target;

import io.websockify.bridge.TargetChannel;
import io.websockify.config.HostPort;
import io.websockify.config.SettingException;
import io.websockify.config.Settings;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the proxy speaks TLS to TCP targets ({@code websockify.ssl-target}): the client {@link SSLContext} and the
 * per-connection parameters. Built once at start-up by {@link #from(Settings)}; immutable and thread-safe.
 *
 * <p>Unless {@code websockify.ssl-target-insecure} is on, every target certificate is verified against the trust
 * anchors (the JDK's default trust store, or {@code websockify.ssl-target-trust}) and must name the target host
 * (the {@code HTTPS} endpoint identification rules: DNS names against DNS SANs, IP literals against IP SANs).
 * A target given by name is also sent that name by SNI. Unix-socket targets never use TLS, as upstream.
 */
public final class TargetTls {
    private static final Logger LOG = System.getLogger(TargetTls.class.getName());

    public static final String SSL_TARGET = "websockify.ssl-target";
    public static final String TRUST = "websockify.ssl-target-trust";
    public static final String TRUST_PASSWORD = "websockify.ssl-target-trust-password";
    public static final String INSECURE = "websockify.ssl-target-insecure";

    private final SSLContext context;
    private final boolean verify;
    private final String trust;

    private TargetTls(SSLContext context, boolean verify, String trust) {
        this.context = context;
        this.verify = verify;
        this.trust = trust;
    }

    /**
     * Reads the {@code websockify.ssl-target*} settings. Empty when {@code websockify.ssl-target} is off. Logs the
     * trust in use at INFO, and a WARNING when verification is off.
     *
     * @throws SettingException naming the setting: a trust file that is missing, unreadable, holds no certificate
     *                          or has the wrong password; trust or insecure settings without {@code ssl-target};
     *                          both a trust file and insecure
     */
    public static Optional<TargetTls> from(Settings s) {
        boolean on = s.bool(SSL_TARGET, false);
        boolean insecure = s.bool(INSECURE, false);
        Optional<Settings.Value> trustFile = s.value(TRUST);
        Optional<Settings.Value> password = s.value(TRUST_PASSWORD);
        if (!on) {
            // A trust setting without TLS is almost surely a forgotten ssl-target: say so rather than ignore it.
            if (insecure) {
                throw s.value(INSECURE).get().invalid("only meaningful with " + SSL_TARGET + "=true");
            }
            if (trustFile.isPresent()) {
                throw trustFile.get().invalid("only meaningful with " + SSL_TARGET + "=true");
            }
            return Optional.empty();
        }
        if (password.isPresent() && trustFile.isEmpty()) {
            throw TrustAnchors.secretInvalid(password.get(), "only meaningful with " + TRUST);
        }
        TargetTls tls;
        if (insecure) {
            if (trustFile.isPresent()) {
                throw trustFile.get().invalid("cannot be combined with " + INSECURE
                        + "=true, which verifies nothing; remove one of them");
            }
            tls = new TargetTls(context(new TrustManager[] {new TrustEverything()}), false,
                    "nothing (" + INSECURE + ")");
            LOG.log(Level.WARNING, "websockify: " + INSECURE + " is on: TLS target certificates and host names are "
                    + "NOT verified; anyone on the network path to a target can read and change its sessions");
        } else if (trustFile.isPresent()) {
            TrustAnchors anchors = TrustAnchors.read(trustFile.get(), password.orElse(null));
            tls = new TargetTls(context(trustManagers(anchors.store())), true, anchors.description());
        } else {
            tls = new TargetTls(context(trustManagers(null)), true, "the JDK default trust store");
        }
        LOG.log(Level.INFO, "websockify: TLS to TCP targets, trusting {0}", tls.trust);
        return Optional.of(tls);
    }

    /** Whether certificates and host names are verified (false only with {@code ssl-target-insecure}). */
    public boolean verifies() {
        return verify;
    }

    /** What is trusted, for logs: the default store, a file with its count of certificates, or nothing. */
    public String trustDescription() {
        return trust;
    }

    /**
     * A client engine for one connection to {@code host}: host name verification when verifying, SNI when the
     * host is a name rather than an IP literal.
     */
    public SSLEngine newEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (verify) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        sniName(host).ifPresent(name -> p.setServerNames(List.of(name)));
        engine.setSSLParameters(p);
        return engine;
    }

    /** Wraps a freshly connected plain channel to {@code target}; the caller then runs its handshake. */
    public TlsTargetChannel wrap(TargetChannel plain, HostPort target) {
        return new TlsTargetChannel(plain, newEngine(target.host(), target.port()), plain.describe());
    }

    /**
     * A callback for {@link TcpConnector#connect}: once TCP is connected, wraps the channel, runs the TLS handshake
     * (limited to {@code timeout}, enforced by {@code timer}) and only then reports {@code then.connected}; TCP and
     * handshake failures go to {@code then.failed}. Exactly one of {@code then}'s methods runs, once.
     */
    public ConnectCallback handshakeThen(HostPort target, ConnectCallback then, ScheduledExecutorService timer,
                                         Duration timeout) {
        return new ConnectCallback() {
            @Override
            public void connected(TargetChannel channel) {
                TlsTargetChannel tls;
                try {
                    tls = wrap(channel, target);
                } catch (RuntimeException e) {
                    channel.close();
                    then.failed(e);
                    return;
                }
                tls.handshake(then, timer, timeout);
            }

            @Override
            public void failed(Throwable cause) {
                then.failed(cause);
            }
        };
    }

    private static Optional<SNIHostName> sniName(String host) {
        // RFC 6066: SNI carries DNS names only, never address literals.
        if (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return Optional.empty();
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
            return Optional.of(new SNIHostName(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a valid DNS name for SNI (e.g. an underscore): connect without
        }
    }

    private static SSLContext context(TrustManager[] trustManagers) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, trustManagers, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new SettingException("Setting " + SSL_TARGET + ": this JVM cannot create a TLS client context: "
                    + e.getMessage(), e);
        }
    }

    /** PKIX trust managers over {@code anchors}, or over the JDK default trust store when null. */
    private static TrustManager[] trustManagers(KeyStore anchors) {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(anchors);
            return f.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new SettingException("Setting " + (anchors == null ? SSL_TARGET : TRUST)
                    + ": cannot build the trust manager: " + e.getMessage(), e);
        }
    }

    /** The explicit insecure mode: every chain is accepted, no host name is checked. */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
