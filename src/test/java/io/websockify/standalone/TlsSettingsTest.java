package io.websockify.standalone;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS options read and checked before the container starts: every mistake named, the password never shown. */
class TlsSettingsTest {
    private static final String ENV_PASSWORD = "WEBSOCKIFY_KEY_PASSWORD";

    @TempDir
    static Path pkiDir;
    private static TestPki pki;

    @TempDir
    Path work;

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.serverOnly(pkiDir);
    }

    private TlsSettings read(Map<String, String> env, String... nameValue) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            values.put("websockify." + nameValue[i], nameValue[i + 1]);
        }
        return TlsSettings.read(Settings.of(values), env, work);
    }

    private TlsSettings read(String... nameValue) {
        return read(Map.of(), nameValue);
    }

    private String error(Map<String, String> env, String... nameValue) {
        return assertThrows(SettingException.class, () -> read(env, nameValue)).getMessage();
    }

    private String error(String... nameValue) {
        return error(Map.of(), nameValue);
    }

    @Test
    void withoutSelfPemTlsIsOffAndTheDefaultIsNamed() {
        TlsSettings tls = read();
        assertFalse(tls.enabled());
        assertEquals(work.resolve("self.pem").toAbsolutePath(), tls.cert());
    }

    @Test
    void selfPemInTheWorkingDirectoryTurnsTlsOn() throws Exception {
        Files.copy(pki.serverCombined, work.resolve("self.pem"));
        TlsSettings tls = read();
        assertTrue(tls.enabled());
        assertNull(tls.key());
        assertEquals("TLSv1.2", tls.minVersion());
        assertEquals("+TLSv1.2+TLSv1.3", tls.tomcatProtocols());
        assertFalse(tls.sslOnly());
    }

    @Test
    void tlsOptionsWithoutACertificateAreErrorsNamingTheOptionAndTheFile() throws Exception {
        String missing = work.resolve("self.pem").toAbsolutePath().toString();
        for (String[] option : new String[][] {{"ssl-only", "true"}, {"verify-client", "true"},
                {"ssl-version", "tlsv1_3"}, {"ssl-ciphers", "HIGH"}, {"key", pki.serverKey.toString()}}) {
            String message = error(option);
            assertTrue(message.contains("websockify." + option[0]) && message.contains(missing), message);
        }
        assertFalse(read("ssl-only", "false").enabled(), "a flag set to false asks for nothing");
        String explicit = error("cert", "nowhere.pem");
        assertTrue(explicit.contains("websockify.cert") && explicit.contains("no such file"), explicit);
    }

    @Test
    void keyInsideOrBesideTheChain() {
        assertTrue(read("cert", pki.serverCombined.toString()).enabled());
        TlsSettings separate = read("cert", pki.serverChain.toString(), "key", pki.serverKey.toString());
        assertEquals(pki.serverKey, separate.key());
        String noKey = error("cert", pki.serverChain.toString());
        assertTrue(noKey.contains("websockify.cert") && noKey.contains("no PEM private key")
                && noKey.contains("--key FILE"), noKey);
    }

    @Test
    void aFileThatIsNoCertificateIsNamed() throws Exception {
        Path garbage = Files.writeString(work.resolve("garbage.pem"), "not a certificate\n");
        String message = error("cert", garbage.toString());
        assertTrue(message.contains("websockify.cert") && message.contains("no PEM certificate"), message);
        Path keyOnly = pki.serverKey;
        message = error("cert", keyOnly.toString());
        assertTrue(message.contains("websockify.cert") && message.contains("no PEM certificate"), message);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        PrivateKey stranger = ec.generateKeyPair().getPrivate();
        Path other = Files.writeString(work.resolve("other.key"), TestPki.pem("PRIVATE KEY", stranger.getEncoded()));
        String message = error("cert", pki.serverChain.toString(), "key", other.toString());
        assertTrue(message.contains("websockify.key") && message.contains("does not belong"), message);
    }

    @Test
    void encryptedKeyWithPasswordFromTheEnvironmentExactlyAsSet() {
        TlsSettings tls = read(Map.of(ENV_PASSWORD, TestPki.KEY_PASSWORD), "cert", pki.serverChain.toString(),
                "key", pki.serverKeyEncrypted.toString());
        assertEquals(TestPki.KEY_PASSWORD, tls.keyPassword());
        assertFalse(tls.toString().contains(TestPki.KEY_PASSWORD), "never printed: " + tls);
        assertTrue(read(Map.of(ENV_PASSWORD, TestPki.KEY_PASSWORD), "cert",
                pki.serverCombinedEncrypted.toString()).enabled());
    }

    @Test
    void encryptedKeyWithPasswordFromTheFirstLineOfAFile() throws Exception {
        Path file = Files.writeString(work.resolve("pw"), TestPki.KEY_PASSWORD + "\r\nsecond line\n");
        TlsSettings tls = read("cert", pki.serverCombinedEncrypted.toString(), "key-password-file", file.toString());
        assertEquals(TestPki.KEY_PASSWORD, tls.keyPassword());
    }

    @Test
    void passwordProblemsSayWhatToDoAndNeverShowThePassword() throws Exception {
        String none = error("cert", pki.serverCombinedEncrypted.toString());
        assertTrue(none.contains("encrypted") && none.contains("--key-password-file")
                && none.contains(ENV_PASSWORD), none);

        String wrong = error(Map.of(ENV_PASSWORD, "wrong-password"), "cert", pki.serverCombinedEncrypted.toString());
        assertTrue(wrong.contains("cannot decrypt") && wrong.contains(ENV_PASSWORD), wrong);
        assertFalse(wrong.contains("wrong-password"), wrong);

        String elsewhere = error("cert", pki.serverCombinedEncrypted.toString(), "key-password", "visible-secret");
        assertTrue(elsewhere.contains("Refusing the key password") && elsewhere.contains(ENV_PASSWORD), elsewhere);
        assertFalse(elsewhere.contains("visible-secret"), elsewhere);

        Path file = Files.writeString(work.resolve("pw"), TestPki.KEY_PASSWORD);
        String both = error(Map.of(ENV_PASSWORD, TestPki.KEY_PASSWORD), "cert",
                pki.serverCombinedEncrypted.toString(), "key-password-file", file.toString());
        assertTrue(both.contains("one way only"), both);
    }

    @Test
    void verifyClientWithOrWithoutCaFile() {
        TlsSettings defaults = read("cert", pki.serverCombined.toString(), "verify-client", "true");
        assertTrue(defaults.verifyClient());
        assertNull(defaults.caFile(), "the JDK's CAs");
        TlsSettings own = read("cert", pki.serverCombined.toString(), "verify-client", "true",
                "cafile", pki.caPem.toString());
        assertEquals(pki.caPem, own.caFile());
        String alone = error("cert", pki.serverCombined.toString(), "cafile", pki.caPem.toString());
        assertTrue(alone.contains("websockify.cafile") && alone.contains("--verify-client"), alone);
        String notPem = error("cert", pki.serverCombined.toString(), "verify-client", "true",
                "cafile", pki.serverKey.toString());
        assertTrue(notPem.contains("websockify.cafile") && notPem.contains("no PEM certificate"), notPem);
    }

    @Test
    void sslVersionIsAMinimum() {
        String cert = pki.serverCombined.toString();
        assertEquals("+TLSv1.3", read("cert", cert, "ssl-version", "tlsv1_3").tomcatProtocols());
        assertEquals("+TLSv1.2+TLSv1.3", read("cert", cert, "ssl-version", "TLSv1_2").tomcatProtocols());
        assertEquals("+TLSv1.2+TLSv1.3", read("cert", cert, "ssl-version", "default").tomcatProtocols());
        assertEquals("+TLSv1.1+TLSv1.2+TLSv1.3", read("cert", cert, "ssl-version", "tlsv1_1").tomcatProtocols());
        String bad = error("cert", cert, "ssl-version", "sslv3");
        assertTrue(bad.contains("websockify.ssl-version") && bad.contains("tlsv1_3"), bad);
    }

    @Test
    void cipherListsInOpenSslOrJavaSyntax() {
        String cert = pki.serverCombined.toString();
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384",
                read("cert", cert, "ssl-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384").ciphers());
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                read("cert", cert, "ssl-ciphers", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").ciphers());
        String bad = error("cert", cert, "ssl-ciphers", "NO-SUCH-CIPHER");
        assertTrue(bad.contains("websockify.ssl-ciphers") && bad.contains("no TLS 1.2 cipher suite"), bad);
    }
}
