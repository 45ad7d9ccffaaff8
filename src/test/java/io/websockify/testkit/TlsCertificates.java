package io.websockify.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * EC key pairs and self-signed certificates made at test time with the JDK's own {@code keytool}: {@link #good}
 * names 127.0.0.1 and localhost, {@link #other} only other.example (and has another subject, so neither vouches
 * for the other). Made once per test JVM, in a temporary directory removed at exit.
 */
public final class TlsCertificates {
    public static final String PASSWORD = "changeit";
    public static final String ALIAS = "target";

    /** PKCS12 key store (key + certificate) for the server, and the certificate as PEM for the client. */
    public record Pair(Path keyStore, Path pem) {
    }

    private static TlsCertificates instance;

    public final Path dir;
    /** SAN ip:127.0.0.1, dns:localhost. */
    public final Pair good;
    /** SAN dns:other.example only. */
    public final Pair other;

    private TlsCertificates(Path dir, Pair good, Pair other) {
        this.dir = dir;
        this.good = good;
        this.other = other;
    }

    public static synchronized TlsCertificates get() throws IOException, InterruptedException {
        if (instance == null) {
            Path dir = Files.createTempDirectory("websockify-tls-test");
            dir.toFile().deleteOnExit();
            Pair good = new Pair(dir.resolve("good.p12"), dir.resolve("good.pem"));
            Pair other = new Pair(dir.resolve("other.p12"), dir.resolve("other.pem"));
            // Two keytool JVMs at a time: each starts slowly, the pairs are independent.
            run(List.of(genKeyPair(good, "CN=websockify test target", "ip:127.0.0.1,dns:localhost"),
                    genKeyPair(other, "CN=other.example", "dns:other.example")));
            run(List.of(exportPem(good), exportPem(other)));
            for (Pair p : List.of(good, other)) {
                p.keyStore().toFile().deleteOnExit();
                p.pem().toFile().deleteOnExit();
            }
            instance = new TlsCertificates(dir, good, other);
        }
        return instance;
    }

    private static List<String> genKeyPair(Pair p, String dname, String san) {
        return List.of(keytool(), "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", ALIAS,
                "-dname", dname, "-ext", "SAN=" + san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p.keyStore().toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
    }

    private static List<String> exportPem(Pair p) {
        return List.of(keytool(), "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", p.keyStore().toString(),
                "-storepass", PASSWORD, "-file", p.pem().toString());
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<List<String>> commands) throws IOException, InterruptedException {
        List<Process> ps = new ArrayList<>();
        for (List<String> c : commands) {
            ps.add(new ProcessBuilder(c).redirectErrorStream(true).start());
        }
        for (int i = 0; i < ps.size(); i++) {
            Process p = ps.get(i);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish: " + commands.get(i));
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed (" + p.exitValue() + "): " + commands.get(i) + "\n" + output);
            }
        }
    }
}
