package io.websockify.target;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import io.websockify.testkit.TlsCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code websockify.ssl-target*} settings: what they build, and a clear error naming the setting otherwise. */
class TargetTlsTest {
    private static TlsCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TlsCertificates.get();
    }

    private static Settings settings(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Settings.of(m);
    }

    private static String error(String... keyValues) {
        return assertThrows(SettingException.class, () -> TargetTls.from(settings(keyValues))).getMessage();
    }

    private static Path file(String name, String content) throws Exception {
        Path p = certs.dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        p.toFile().deleteOnExit();
        return p;
    }

    @Test
    void offUnlessAskedFor() {
        assertTrue(TargetTls.from(settings()).isEmpty());
        assertTrue(TargetTls.from(settings(TargetTls.SSL_TARGET, "false")).isEmpty());
    }

    @Test
    void verifiesWithTheDefaultTrustStoreByDefault() {
        TargetTls tls = TargetTls.from(settings(TargetTls.SSL_TARGET, "true")).orElseThrow();
        assertTrue(tls.verifies());
        assertEquals("the JDK default trust store", tls.trustDescription());
        SSLEngine byName = tls.newEngine("vnc.example.org", 5901);
        assertTrue(byName.getUseClientMode());
        assertEquals("HTTPS", byName.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals(List.of(new SNIHostName("vnc.example.org")), byName.getSSLParameters().getServerNames());
        assertNoSni(tls.newEngine("192.0.2.7", 5901));
        assertNoSni(tls.newEngine("2001:db8::7", 5901));
    }

    private static void assertNoSni(SSLEngine e) {
        List<?> names = e.getSSLParameters().getServerNames();
        assertTrue(names == null || names.isEmpty(), "no SNI for an address literal: " + names);
    }

    @Test
    void readsAPemBundleWithComments() throws Exception {
        String pem = Files.readString(certs.good.pem()) + "\n# a comment between certificates\n"
                + Files.readString(certs.other.pem());
        Path bundle = file("bundle.pem", "Bundle of test CAs\n" + pem);
        TargetTls tls = TargetTls.from(settings(TargetTls.SSL_TARGET, "yes", TargetTls.TRUST, bundle.toString()))
                .orElseThrow();
        assertEquals("the 2 CA certificate(s) in " + bundle, tls.trustDescription());
    }

    @Test
    void insecureSwitchesVerificationOffAndWarns() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(TargetTls.class.getName());
        log.addHandler(h);
        try {
            TargetTls tls = TargetTls.from(settings(TargetTls.SSL_TARGET, "true", TargetTls.INSECURE, "true"))
                    .orElseThrow();
            assertFalse(tls.verifies());
            SSLEngine e = tls.newEngine("vnc.example.org", 5901);
            assertNull(e.getSSLParameters().getEndpointIdentificationAlgorithm());
            assertEquals(List.of(new SNIHostName("vnc.example.org")), e.getSSLParameters().getServerNames());
        } finally {
            log.removeHandler(h);
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                && r.getMessage().contains(TargetTls.INSECURE) && r.getMessage().contains("NOT verified")),
                "a start-up WARNING says verification is off");
    }

    @Test
    void trustSettingsNeedSslTarget() {
        String m = error(TargetTls.INSECURE, "true");
        assertTrue(m.contains(TargetTls.INSECURE) && m.contains("only meaningful with " + TargetTls.SSL_TARGET), m);
        m = error(TargetTls.TRUST, certs.good.pem().toString());
        assertTrue(m.contains(TargetTls.TRUST) && m.contains("only meaningful with " + TargetTls.SSL_TARGET), m);
        m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST_PASSWORD, "x");
        assertTrue(m.contains(TargetTls.TRUST_PASSWORD) && m.contains("only meaningful with " + TargetTls.TRUST), m);
    }

    @Test
    void insecureAndATrustFileContradictEachOther() {
        String m = error(TargetTls.SSL_TARGET, "true", TargetTls.INSECURE, "true",
                TargetTls.TRUST, certs.good.pem().toString());
        assertTrue(m.contains(TargetTls.TRUST) && m.contains(TargetTls.INSECURE), m);
    }

    @Test
    void badBooleansAreNamed() {
        String m = error(TargetTls.SSL_TARGET, "maybe");
        assertTrue(m.startsWith("Invalid setting " + TargetTls.SSL_TARGET), m);
        m = error(TargetTls.SSL_TARGET, "true", TargetTls.INSECURE, "sure");
        assertTrue(m.startsWith("Invalid setting " + TargetTls.INSECURE), m);
    }

    @Test
    void aMissingTrustFileIsNamed() {
        String missing = certs.dir.resolve("missing.pem").toString();
        String m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, missing);
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST) && m.contains(missing)
                && m.contains("no such file"), m);
    }

    @Test
    void unreadablePemIsNamed() throws Exception {
        Path garbage = file("garbage.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                + "-----END CERTIFICATE-----\n");
        String m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, garbage.toString());
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST)
                && m.contains("certificate 1 is not a readable X.509 certificate"), m);

        Path keyOnly = file("key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, keyOnly.toString());
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST) && m.contains("no -----BEGIN CERTIFICATE"), m);

        Path cut = file("cut.pem", Files.readString(certs.good.pem()).replace("-----END CERTIFICATE-----", ""));
        m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, cut.toString());
        assertTrue(m.contains("has no -----END CERTIFICATE----- line"), m);
    }

    @Test
    void aFileThatIsNeitherPemNorAStoreIsNamed() throws Exception {
        Path junk = file("junk.bin", "\u0000\u0001 this is not a trust store");
        String m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, junk.toString());
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST)
                && m.contains("neither a PEM file of CA certificates nor"), m);
    }

    @Test
    void trustStorePasswordsAreChecked() throws Exception {
        Certificate cert;
        try (var in = Files.newInputStream(certs.good.pem())) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", cert);
        Path store = certs.dir.resolve("password.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, "right".toCharArray());
        }
        store.toFile().deleteOnExit();

        TargetTls tls = TargetTls.from(settings(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, store.toString(),
                TargetTls.TRUST_PASSWORD, "right")).orElseThrow();
        assertEquals("the trust store " + store, tls.trustDescription());

        String m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, store.toString(),
                TargetTls.TRUST_PASSWORD, "wrong");
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST_PASSWORD) && m.contains("wrong password"), m);
        assertFalse(m.contains("'wrong'"), "the password is not echoed: " + m);

        m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, store.toString());
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST) && m.contains(TargetTls.TRUST_PASSWORD), m);

        m = error(TargetTls.SSL_TARGET, "true", TargetTls.TRUST, certs.good.pem().toString(),
                TargetTls.TRUST_PASSWORD, "x");
        assertTrue(m.startsWith("Invalid setting " + TargetTls.TRUST_PASSWORD), m);
    }
}
