package io.websockify.standalone;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;
import io.websockify.config.Settings.Value;
import org.apache.tomcat.util.net.jsse.PEMFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads the PEM files of the TLS options with the parser Tomcat itself uses ({@link PEMFile}), before Tomcat does,
 * so that a problem stops the start with a message naming the option instead of a container stack trace.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** The certificates of a PEM file (for {@code --cafile}); fails naming {@code setting} when there are none. */
    static List<X509Certificate> checkCaFile(Path file, Value setting) {
        List<X509Certificate> certs = read(file, null, setting, null).getCertificates();
        if (certs.isEmpty()) {
            throw setting.invalid("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return certs;
    }

    /**
     * Checks that {@code cert} holds a certificate chain (leaf first) and that the private key — in {@code key}, or
     * in {@code cert} when {@code key} is null — can be read with {@code password} and belongs to the leaf.
     * The Values name the settings for messages; {@code certValue} is null for the default {@code self.pem}.
     */
    static void checkCertificateAndKey(Path cert, Value certValue, Path key, Value keyValue, String password,
                                       Value passwordFile) {
        Path keyFile = key != null ? key : cert;
        Value keySetting = key != null ? keyValue : certValue;
        String keyName = key != null ? TlsSettings.KEY : TlsSettings.CERT;
        boolean encrypted = isEncrypted(keyFile, keySetting, keyName);
        if (encrypted && password == null) {
            throw invalid(keySetting, keyName, keyFile, "the private key in " + keyFile + " is encrypted and no "
                    + "password is given: " + TlsSettings.SAFE_PASSWORD_WAYS);
        }
        String keyPassword = encrypted ? password : null;
        PEMFile keyPem;
        try {
            keyPem = parse(keyFile, keyPassword);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String from = passwordFile != null ? "the file of --key-password-file"
                    : "the environment variable " + Settings.envName(TlsSettings.KEY_PASSWORD);
            throw invalid(keySetting, keyName, keyFile, encrypted
                    ? "cannot decrypt the private key in " + keyFile + " with the password from " + from
                      + " (wrong password?): " + e.getMessage()
                    : "cannot read " + keyFile + " as PEM: " + e.getMessage());
        }
        List<X509Certificate> chain = key != null
                ? read(cert, null, certValue, TlsSettings.CERT).getCertificates() : keyPem.getCertificates();
        if (chain.isEmpty()) {
            throw invalid(certValue, TlsSettings.CERT, cert,
                    "no PEM certificate (-----BEGIN CERTIFICATE-----) in " + cert);
        }
        PrivateKey privateKey = keyPem.getPrivateKey();
        if (privateKey == null) {
            throw invalid(keySetting, keyName, keyFile, key != null
                    ? "no PEM private key in " + keyFile
                    : "no PEM private key in " + cert + ": append it to that file or give it with --key FILE");
        }
        if (!belongsTogether(privateKey, chain.get(0).getPublicKey())) {
            throw invalid(keySetting, keyName, keyFile, "the private key in " + keyFile + " does not belong to the "
                    + "first certificate in " + cert + " (the server's own certificate must come first)");
        }
    }

    private static boolean isEncrypted(Path file, Value setting, String name) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            return text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED");
        } catch (IOException e) {
            throw invalid(setting, name, file, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static PEMFile read(Path file, String password, Value setting, String name) {
        try {
            return parse(file, password);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw invalid(setting, name, file, "cannot read " + file + " as PEM: " + e.getMessage());
        }
    }

    private static PEMFile parse(Path file, String password) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return new PEMFile(file.toString(), in, password, null);
        }
    }

    /** Signs a random message with the private key and checks it with the certificate's public key. */
    private static boolean belongsTogether(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> privateKey.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // a kind we cannot check here (e.g. RSASSA-PSS): the TLS handshake will tell
        }
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A setting error for a file; for the default certificate (no setting given) it names the option anyway. */
    private static SettingException invalid(Value setting, String name, Path file, String why) {
        if (setting != null) {
            return setting.invalid(why);
        }
        return new SettingException("Invalid setting " + name + " (default: " + file + "): " + why);
    }
}
