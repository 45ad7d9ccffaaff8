package io.websockify.standalone;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import io.websockify.config.Settings.Value;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.openssl.ciphers.OpenSSLCipherConfigurationParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone command's TLS settings (upstream's {@code --cert}, {@code --key}, {@code --ssl-only},
 * {@code --verify-client}, {@code --cafile}, {@code --ssl-version}, {@code --ssl-ciphers}), read and checked before the
 * container starts, so that a wrong file or value stops the start with a message naming the option.
 *
 * <p>As upstream, TLS is available iff the certificate file exists; the default is {@code self.pem} in the working
 * directory. Unlike upstream, a certificate named explicitly must exist, and every other TLS option needs one.
 *
 * @param cert         the certificate file, absolute (it may not exist when {@link #enabled()} is false)
 * @param enabled      the certificate exists: the port serves wss:// (and ws:// unless {@code sslOnly})
 * @param key          the private key file, or null when the key is inside {@code cert}
 * @param keyPassword  the password of an encrypted key, or null; never shown in a message
 * @param sslOnly      refuse connections that do not start with a TLS handshake
 * @param verifyClient require a client certificate on TLS connections
 * @param caFile       trust anchors for client certificates (PEM), or null for the JDK's default CAs
 * @param minVersion   the lowest TLS version: {@code TLSv1.1}, {@code TLSv1.2} or {@code TLSv1.3}
 * @param ciphers      TLS 1.2-and-below cipher list in OpenSSL or Java syntax, or null for Tomcat's default
 */
record TlsSettings(Path cert, boolean enabled, Path key, String keyPassword, boolean sslOnly, boolean verifyClient,
                   Path caFile, String minVersion, String ciphers) {

    static final String CERT = "websockify.cert";
    static final String KEY = "websockify.key";
    static final String KEY_PASSWORD_FILE = "websockify.key-password-file";
    /** Accepted only from the environment: a command line or system property is visible to every local user. */
    static final String KEY_PASSWORD = "websockify.key-password";
    static final String SSL_ONLY = "websockify.ssl-only";
    static final String VERIFY_CLIENT = "websockify.verify-client";
    static final String CAFILE = "websockify.cafile";
    static final String SSL_VERSION = "websockify.ssl-version";
    static final String SSL_CIPHERS = "websockify.ssl-ciphers";

    static final String DEFAULT_CERT = "self.pem";

    /** How to pass a key password safely; part of every message about it. */
    static final String SAFE_PASSWORD_WAYS = "put the password in a file only you can read and give "
            + "--key-password-file FILE, or set the environment variable " + Settings.envName(KEY_PASSWORD);

    private static final List<String> ALL = List.of(CERT, KEY, KEY_PASSWORD_FILE, SSL_ONLY, VERIFY_CLIENT, CAFILE,
            SSL_VERSION, SSL_CIPHERS);

    @Override
    public String toString() {
        // Records print every component; the password must never reach a log.
        return "TlsSettings[cert=" + cert + ", enabled=" + enabled + ", key=" + key + ", keyPassword="
                + (keyPassword == null ? "none" : "***") + ", sslOnly=" + sslOnly + ", verifyClient=" + verifyClient
                + ", caFile=" + caFile + ", minVersion=" + minVersion + ", ciphers=" + ciphers + "]";
    }

    /** Tomcat's {@code protocols} value: every version from {@link #minVersion()} up. */
    String tomcatProtocols() {
        return switch (minVersion) {
            case "TLSv1.1" -> "+TLSv1.1+TLSv1.2+TLSv1.3";
            case "TLSv1.2" -> "+TLSv1.2+TLSv1.3";
            default -> "+TLSv1.3";
        };
    }

    /**
     * Reads the TLS settings; relative paths are taken from {@code workDir}. {@code environment} is the process
     * environment, the only source of the key password besides a file. Throws {@link SettingException} naming the
     * setting for a missing or unreadable file, a bad value, or a certificate and key that do not fit together.
     */
    static TlsSettings read(Settings settings, Map<String, String> environment, Path workDir) {
        Optional<Value> certValue = settings.value(CERT);
        Path cert = workDir.resolve(certValue.map(Value::raw).orElse(DEFAULT_CERT)).toAbsolutePath().normalize();
        if (certValue.isPresent() && !Files.isRegularFile(cert)) {
            throw certValue.get().invalid("no such file: " + cert);
        }
        String keyPassword = keyPassword(settings, environment, workDir);
        boolean sslOnly = settings.bool(SSL_ONLY, false);
        boolean verifyClient = settings.bool(VERIFY_CLIENT, false);
        if (!Files.isRegularFile(cert)) {
            // No TLS: every TLS option would be silently ignored, which hides a mistake (and --ssl-only or
            // --verify-client would then let plain connections through).
            for (String name : ALL) {
                Optional<Value> v = settings.value(name);
                boolean offFlag = name.equals(SSL_ONLY) && !sslOnly || name.equals(VERIFY_CLIENT) && !verifyClient;
                if (v.isPresent() && !offFlag) {
                    throw v.get().invalid("needs TLS, but there is no certificate: " + cert
                            + " does not exist (give one with --cert FILE)");
                }
            }
            if (keyPassword != null) {
                throw new SettingException("A key password is set (" + Settings.envName(KEY_PASSWORD)
                        + ") but there is no certificate: " + cert + " does not exist (give one with --cert FILE)");
            }
            return new TlsSettings(cert, false, null, null, false, false, null, "TLSv1.2", null);
        }
        Path key = settings.value(KEY).map(v -> existingFile(v, workDir)).orElse(null);
        Path caFile = null;
        Optional<Value> caValue = settings.value(CAFILE);
        if (caValue.isPresent()) {
            if (!verifyClient) {
                throw caValue.get().invalid("only used with --verify-client (the CAs that client certificates must "
                        + "chain to)");
            }
            caFile = existingFile(caValue.get(), workDir);
            PemFiles.checkCaFile(caFile, caValue.get());
        }
        String minVersion = settings.value(SSL_VERSION).map(TlsSettings::minVersion).orElse("TLSv1.2");
        String ciphers = settings.value(SSL_CIPHERS).map(v -> ciphers(v, minVersion)).orElse(null);
        PemFiles.checkCertificateAndKey(cert, certValue.orElse(null), key, settings.value(KEY).orElse(null),
                keyPassword, settings.value(KEY_PASSWORD_FILE).orElse(null));
        return new TlsSettings(cert, true, key, keyPassword, sslOnly, verifyClient, caFile, minVersion, ciphers);
    }

    private static Path existingFile(Value v, Path workDir) {
        Path p = workDir.resolve(v.raw()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw v.invalid("no such file: " + p);
        }
        return p;
    }

    /**
     * The password from {@code --key-password-file} or the environment variable; refused from a system property
     * ({@code java -Dwebsockify.key-password=...}), which {@code ps} shows as it shows a command line.
     */
    private static String keyPassword(Settings settings, Map<String, String> environment, Path workDir) {
        String envName = Settings.envName(KEY_PASSWORD);
        Optional<Value> other = settings.value(KEY_PASSWORD).filter(v -> !v.origin().startsWith("environment"));
        if (other.isPresent()) {
            // No value in the message: it is a password.
            throw new SettingException("Refusing the key password from " + other.get().origin()
                    + ": other local users can read it there; " + SAFE_PASSWORD_WAYS);
        }
        // Exactly as set: a password may begin or end with a space (the settings reader trims values).
        String fromEnvironment = environment.get(envName);
        if (fromEnvironment != null && fromEnvironment.isEmpty()) {
            fromEnvironment = null;
        }
        Optional<Value> file = settings.value(KEY_PASSWORD_FILE);
        if (file.isEmpty()) {
            return fromEnvironment;
        }
        if (fromEnvironment != null) {
            throw file.get().invalid("the key password is also set by the environment variable " + envName
                    + "; give it one way only");
        }
        Path p = existingFile(file.get(), workDir);
        try {
            // The first line, as openssl's -passin file: reads it; the line end is not part of the password.
            String text = Files.readString(p, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw file.get().invalid("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static String minVersion(Value v) {
        return switch (v.raw().toLowerCase(Locale.ROOT)) {
            case "default", "tlsv1_2" -> "TLSv1.2";
            case "tlsv1_1" -> "TLSv1.1";
            case "tlsv1_3" -> "TLSv1.3";
            default -> throw v.invalid("expected default, tlsv1_1, tlsv1_2 or tlsv1_3");
        };
    }

    /**
     * Tomcat's {@code ciphers} takes OpenSSL syntax and Java names alike and, as OpenSSL's cipher string, governs
     * TLS 1.2 and below only. A list that names nothing this JVM knows would make every TLS 1.2 handshake fail.
     */
    private static String ciphers(Value v, String minVersion) {
        SSLHostConfig probe = new SSLHostConfig();
        probe.setCiphers(v.raw());
        if (!minVersion.equals("TLSv1.3")
                && OpenSSLCipherConfigurationParser.convertForJSSE(probe.getCipherList()).isEmpty()) {
            throw v.invalid("names no TLS 1.2 cipher suite known here (use OpenSSL names such as "
                    + "ECDHE-RSA-AES128-GCM-SHA256 or HIGH:!aNULL, or Java names such as "
                    + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
        }
        return v.raw();
    }
}
