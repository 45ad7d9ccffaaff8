package io.websockify.standalone;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.apache.tomcat.util.net.jsse.PEMFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Builds the HTTP connector of a port with TLS: Tomcat's NIO connector with the {@link SniffingEndpoint} (ws:// and
 * wss:// on one port), Java's own TLS (JSSE; no native library), and the PEM certificate and key as given.
 */
final class TlsConnector {
    private TlsConnector() {
    }

    /**
     * A connector for {@code tls} (which must be {@linkplain TlsSettings#enabled() enabled}). {@code workDir} is a
     * private directory that outlives the connector, for the client-CA trust store.
     */
    static Connector create(TlsSettings tls, Path workDir) throws StartupException {
        Http11NioProtocol protocol = new Http11NioProtocol(new SniffingEndpoint(tls.sslOnly()));
        protocol.setSSLEnabled(true);
        // Tomcat would take OpenSSL through APR when that native library happens to be installed; we want the
        // same TLS on every machine.
        protocol.setSslImplementationName(JSSEImplementation.class.getName());

        SSLHostConfig host = new SSLHostConfig();
        host.setProtocols(tls.tomcatProtocols());
        if (tls.ciphers() != null) {
            host.setCiphers(tls.ciphers());
        }
        if (tls.verifyClient()) {
            host.setCertificateVerification("required");
            if (tls.caFile() != null) {
                // Tomcat's caCertificateFile is for OpenSSL only; JSSE takes a trust store file.
                trustStore(tls.caFile(), workDir, host);
            }
            // Without --cafile, no trust store: JSSE then uses the JDK's default CAs, as upstream uses the system's.
        } else {
            host.setCertificateVerification("none");
        }
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        if (tls.key() == null && tls.keyPassword() != null) {
            // Tomcat reads the certificates of certificateFile without the password, which fails on the encrypted
            // key beside them: give it the certificates alone and the original file as the key file.
            certificate.setCertificateFile(chainOnly(tls, workDir).toString());
            certificate.setCertificateKeyFile(tls.cert().toString());
        } else {
            certificate.setCertificateFile(tls.cert().toString());
            if (tls.key() != null) {
                certificate.setCertificateKeyFile(tls.key().toString());
            }
        }
        if (tls.keyPassword() != null) {
            certificate.setCertificateKeyPassword(tls.keyPassword());
        }
        host.addCertificate(certificate);
        protocol.addSslHostConfig(host);
        return new Connector(protocol);
    }

    /** The certificates of {@code tls.cert()}, written to a file of their own in {@code dir}. */
    private static Path chainOnly(TlsSettings tls, Path dir) throws StartupException {
        try {
            List<X509Certificate> chain;
            try (InputStream in = Files.newInputStream(tls.cert())) {
                chain = new PEMFile(tls.cert().toString(), in, tls.keyPassword(), null).getCertificates();
            }
            StringBuilder pem = new StringBuilder();
            Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
            for (X509Certificate c : chain) {
                // (Not PEMFile.toPEM: it ends the last line without a line break, which PEMFile cannot read back.)
                pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
            return Files.writeString(dir.resolve("certificate-chain.pem"), pem);
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot read the certificates of --cert " + tls.cert() + ": " + e.getMessage());
        }
    }

    /** Writes the CAs of {@code caFile} to a PKCS#12 trust store in {@code dir} and points {@code host} at it. */
    private static void trustStore(Path caFile, Path dir, SSLHostConfig host) throws StartupException {
        try {
            List<X509Certificate> cas;
            try (InputStream in = Files.newInputStream(caFile)) {
                cas = new PEMFile(caFile.toString(), in, null, null).getCertificates();
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().encodeToString(random);
            Path file = dir.resolve("client-ca.p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            host.setTruststoreFile(file.toString());
            host.setTruststoreType("PKCS12");
            host.setTruststorePassword(password);
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot prepare the client CAs of --cafile " + caFile + ": " + e.getMessage());
        }
    }
}
