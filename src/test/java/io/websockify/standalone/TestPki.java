package io.websockify.standalone;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the JDK's keytool at test time: a CA, a second CA nobody trusts, a server certificate
 * for 127.0.0.1 (EC P-256), and client certificates {@code CN=jane} and {@code CN=eve} from the CA and
 * {@code CN=jane} from the other CA. Files are PEM as a user gives them to websockify; client keys are Java key stores
 * for the JDK clients. Everything lives in {@code dir}.
 */
final class TestPki {
    static final String KEY_PASSWORD = "s3cret pass";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    final Path dir;
    /** The CA's certificate. */
    final Path caPem;
    /** Server certificate, then the CA: the chain as --cert takes it. */
    final Path serverChain;
    /** Unencrypted PKCS#8 key of the server. */
    final Path serverKey;
    /** The same key, encrypted (PBES2, AES-256) with {@link #KEY_PASSWORD}. */
    final Path serverKeyEncrypted;
    /** Chain and unencrypted key in one file. */
    final Path serverCombined;
    /** Chain and encrypted key in one file. */
    final Path serverCombinedEncrypted;
    /** Client key stores (null from {@link #serverOnly}). */
    final KeyStore jane;
    final KeyStore eve;
    final KeyStore janeFromOtherCa;
    private final KeyStore trust;

    private TestPki(Path dir, boolean clients) throws Exception {
        this.dir = dir;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> ca = pool.submit(() -> keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca",
                    "-dname", "CN=websockify test CA", "-ext", "bc:c"));
            Future<?> other = pool.submit(() -> clients ? keytool("-genkeypair", "-keystore", "other.p12",
                    "-alias", "ca", "-dname", "CN=some other CA", "-ext", "bc:c") : null);
            List<Future<?>> requests = new ArrayList<>();
            String[][] entities = clients
                    ? new String[][] {{"server", "CN=localhost"}, {"jane", "CN=jane"}, {"eve", "CN=eve"},
                        {"mallory", "CN=jane"}}
                    : new String[][] {{"server", "CN=localhost"}};
            for (String[] e : entities) {
                requests.add(pool.submit(() -> {
                    keytool("-genkeypair", "-keystore", e[0] + ".p12", "-alias", e[0], "-dname", e[1]);
                    keytool("-certreq", "-keystore", e[0] + ".p12", "-alias", e[0], "-file", e[0] + ".csr");
                    return null;
                }));
            }
            ca.get();
            other.get();
            for (Future<?> f : requests) {
                f.get();
            }
            List<Future<?>> signing = new ArrayList<>();
            signing.add(pool.submit(() -> keytool("-exportcert", "-rfc", "-keystore", "ca.p12", "-alias", "ca",
                    "-file", "ca.pem")));
            signing.add(pool.submit(() -> keytool("-gencert", "-rfc", "-keystore", "ca.p12", "-alias", "ca",
                    "-infile", "server.csr", "-outfile", "server.crt", "-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-ext", "eku=serverAuth")));
            for (String client : clients ? List.of("jane", "eve") : List.<String>of()) {
                signing.add(pool.submit(() -> keytool("-gencert", "-rfc", "-keystore", "ca.p12", "-alias", "ca",
                        "-infile", client + ".csr", "-outfile", client + ".crt", "-ext", "eku=clientAuth")));
            }
            if (clients) {
                signing.add(pool.submit(() -> keytool("-gencert", "-rfc", "-keystore", "other.p12", "-alias", "ca",
                        "-infile", "mallory.csr", "-outfile", "mallory.crt", "-ext", "eku=clientAuth")));
            }
            for (Future<?> f : signing) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        caPem = dir.resolve("ca.pem");
        X509Certificate caCert = readCert(caPem);
        serverChain = dir.resolve("server-chain.pem");
        Files.writeString(serverChain, Files.readString(dir.resolve("server.crt")) + Files.readString(caPem));
        PrivateKey key = privateKey("server");
        serverKey = dir.resolve("server.key");
        Files.writeString(serverKey, pem("PRIVATE KEY", key.getEncoded()));
        serverKeyEncrypted = dir.resolve("server-encrypted.key");
        Files.writeString(serverKeyEncrypted, pem("ENCRYPTED PRIVATE KEY", encrypt(key.getEncoded(), KEY_PASSWORD)));
        serverCombined = dir.resolve("server-combined.pem");
        Files.writeString(serverCombined, Files.readString(serverChain) + Files.readString(serverKey));
        serverCombinedEncrypted = dir.resolve("server-combined-encrypted.pem");
        Files.writeString(serverCombinedEncrypted, Files.readString(serverChain)
                + Files.readString(serverKeyEncrypted));

        jane = clients ? clientStore("jane", caCert) : null;
        eve = clients ? clientStore("eve", caCert) : null;
        janeFromOtherCa = clients ? clientStore("mallory", readCert(dir.resolve("other.p12"), "ca")) : null;
        trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCert);
    }

    /** Makes the PKI in {@code dir} (a few seconds: keytool runs about fifteen times). */
    static TestPki create(Path dir) throws Exception {
        return new TestPki(dir, true);
    }

    /** The CA and the server's files only (keytool runs five times); the client key stores are null. */
    static TestPki serverOnly(Path dir) throws Exception {
        return new TestPki(dir, false);
    }

    /** A client TLS context trusting the test CA, presenting {@code clientKeys} if not null. */
    SSLContext clientContext(KeyStore clientKeys) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKeys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKeys, STORE_PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private Void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        cmd.addAll(List.of(args));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3"));
        }
        if (List.of(args).contains("-gencert")) {
            cmd.addAll(List.of("-validity", "3"));
        }
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit", "-noprompt"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(StandaloneCommand.PATIENCE_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
        return null;
    }

    private PrivateKey privateKey(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, STORE_PASSWORD);
        }
        return (PrivateKey) ks.getKey(name, STORE_PASSWORD);
    }

    private KeyStore clientStore(String name, X509Certificate issuer) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, privateKey(name), STORE_PASSWORD,
                new Certificate[] {readCert(dir.resolve(name + ".crt")), issuer});
        return ks;
    }

    private static X509Certificate readCert(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static X509Certificate readCert(Path store, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        return (X509Certificate) ks.getCertificate(alias);
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** PKCS#8 EncryptedPrivateKeyInfo with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as openssl pkcs8 -v2 writes. */
    private static byte[] encrypt(byte[] pkcs8, String password) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray())),
                new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(pkcs8);
        // Named by its scheme (PBES2), which is what the PKCS#8 structure records.
        AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
        pbes2.init(cipher.getParameters().getEncoded());
        return new EncryptedPrivateKeyInfo(pbes2, encrypted).getEncoded();
    }
}
