package io.websockify.target;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The certificates {@code websockify.ssl-target-trust} names: a PEM file of CA certificates (a bundle with comments
 * is fine) or a PKCS12/JKS trust store, told apart by content. Errors name the setting and never echo the password.
 *
 * @param store       the certificates as a key store, for a trust manager
 * @param description what was read, for logs
 */
record TrustAnchors(KeyStore store, String description) {
    /** No honest CA file or trust store comes near this; a larger file is a wrong path. */
    private static final long MAX_FILE = 16L << 20;
    private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String PEM_END = "-----END CERTIFICATE-----";

    /**
     * @param file     the trust setting
     * @param password the store password setting, or null
     * @throws SettingException naming the setting when the file is missing, unreadable, holds no certificate or
     *                          the password is wrong
     */
    static TrustAnchors read(Settings.Value file, Settings.Value password) {
        Path path = Path.of(file.raw());
        byte[] bytes;
        try {
            if (!Files.isRegularFile(path)) {
                throw file.invalid("no such file");
            }
            if (Files.size(path) > MAX_FILE) {
                throw file.invalid("larger than " + (MAX_FILE >> 20) + " MiB, not a CA file or trust store");
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw file.invalid("cannot read it: " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN")) {
            return new TrustAnchors(loadStore(file, path, password), "the trust store " + path);
        }
        if (password != null) {
            throw secretInvalid(password, "a PEM file of CA certificates has no password; remove this setting");
        }
        List<X509Certificate> certs = parsePem(file, text);
        KeyStore ks = emptyStore();
        for (int i = 0; i < certs.size(); i++) {
            try {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            } catch (GeneralSecurityException e) {
                throw file.invalid("certificate " + (i + 1) + " cannot be used: " + e.getMessage());
            }
        }
        return new TrustAnchors(ks, "the " + certs.size() + " CA certificate(s) in " + path);
    }

    /** Every CERTIFICATE block, ignoring the text around them; at least one. */
    private static List<X509Certificate> parsePem(Settings.Value file, String text) {
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new SettingException("X.509 certificates are not supported by this JVM", e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        int from = 0;
        int begin;
        while ((begin = text.indexOf(PEM_BEGIN, from)) >= 0) {
            int end = text.indexOf(PEM_END, begin);
            if (end < 0) {
                throw file.invalid("certificate " + (certs.size() + 1) + " has no " + PEM_END + " line");
            }
            try {
                byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end));
                certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
                throw file.invalid("certificate " + (certs.size() + 1) + " is not a readable X.509 certificate: "
                        + e.getMessage());
            }
            from = end + PEM_END.length();
        }
        if (certs.isEmpty()) {
            throw file.invalid("no " + PEM_BEGIN + " block in this PEM file (a CA file holds certificates only)");
        }
        return certs;
    }

    private static KeyStore loadStore(Settings.Value file, Path path, Settings.Value password) {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(path.toFile(), password == null ? null : password.raw().toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw password == null
                        ? file.invalid("the trust store is password-protected; set " + TargetTls.TRUST_PASSWORD)
                        : secretInvalid(password, "wrong password for the trust store " + path);
            }
            throw file.invalid("neither a PEM file of CA certificates nor a readable PKCS12/JKS trust store: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw file.invalid("neither a PEM file of CA certificates nor a PKCS12/JKS trust store: "
                    + e.getMessage());
        }
        int certs = 0;
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) != null) {
                    certs++;
                }
            }
        } catch (GeneralSecurityException e) {
            throw file.invalid("cannot list the trust store: " + e.getMessage());
        }
        if (certs == 0) {
            throw file.invalid("the trust store holds no certificate" + (password == null
                    ? " (if it is password-protected, set " + TargetTls.TRUST_PASSWORD + ")" : ""));
        }
        return ks;
    }

    /** Like {@link Settings.Value#invalid} but without the value: passwords do not belong in logs. */
    static SettingException secretInvalid(Settings.Value v, String why) {
        return new SettingException("Invalid setting " + v.name() + " (" + v.origin() + "): " + why);
    }

    private static KeyStore emptyStore() {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new SettingException("cannot create an in-memory trust store: " + e.getMessage(), e);
        }
    }
}
