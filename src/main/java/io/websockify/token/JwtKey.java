package io.websockify.token;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of {@link JWTTokenApi}, read from the key file as upstream reads it (jwcrypto's {@code import_from_pem},
 * then an {@code oct} key): either PEM (RSA or EC; a public key, certificate or private key, the private key also
 * verifying signatures of its own pair) or, when the file has no PEM block, an HMAC secret written as base64url
 * text (the JWK {@code k} value: the file {@code secret_sauce} is the 9-byte secret {@code b1 e7 2b 7a df ec 6a e7
 * 1e}, not the 12 ASCII bytes). Immutable.
 *
 * @param verifyKey  checks signatures (RSA or EC), or null
 * @param decryptKey decrypts JWE (RSA or EC private key), or null
 * @param secret     HMAC secret, also for {@code dir} and AES key-wrap JWE, or null
 */
record JwtKey(PublicKey verifyKey, PrivateKey decryptKey, byte[] secret) {
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern ENCRYPTED_HEADER = Pattern.compile("(?m)^Proc-Type:.*ENCRYPTED");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_\\-+/]+");

    /** @throws IllegalArgumentException with a reason when the text is no usable key */
    static JwtKey parse(String text) {
        if (text.contains("-----BEGIN ")) {
            return pem(text);
        }
        return new JwtKey(null, null, secret(text));
    }

    /**
     * The base64url text of an {@code oct} key. Surrounding white space is ignored (upstream fails on a file ending
     * in a newline for some key lengths); {@code =} padding and the standard alphabet's {@code +/} are accepted, as
     * Python's decoder does.
     */
    private static byte[] secret(String text) {
        String t = text.strip();
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.isEmpty() || !BASE64URL.matcher(t).matches() || t.length() % 4 == 1) {
            throw new IllegalArgumentException("the key file holds neither a PEM key nor a base64url HMAC secret");
        }
        return Base64.getUrlDecoder().decode(t.replace('+', '-').replace('/', '_'));
    }

    private static JwtKey pem(String text) {
        PublicKey publicKey = null;
        PrivateKey privateKey = null;
        PublicKey embeddedPublic = null;
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            String body = m.group(2);
            if (type.startsWith("ENCRYPTED") || ENCRYPTED_HEADER.matcher(body).find()) {
                throw new IllegalArgumentException("encrypted PEM keys are not supported; store the key unencrypted");
            }
            byte[] der = Base64.getMimeDecoder().decode(body.replaceAll("(?m)^[A-Za-z-]+:.*$", ""));
            try {
                switch (type) {
                    case "PUBLIC KEY" -> publicKey = firstNonNull(publicKey, publicFromSpki(der));
                    case "RSA PUBLIC KEY" -> publicKey = firstNonNull(publicKey, publicFromSpki(
                            Der.encode(Der.SEQUENCE, Der.RSA_ALGORITHM, Der.encode(Der.BIT_STRING, new byte[1], der))));
                    case "CERTIFICATE" -> publicKey = firstNonNull(publicKey, CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
                    case "PRIVATE KEY" -> {
                        if (privateKey == null) {
                            privateKey = privateFromPkcs8(der);
                            embeddedPublic = derivedPublic(privateKey, der);
                        }
                    }
                    case "RSA PRIVATE KEY" -> {
                        if (privateKey == null) {
                            privateKey = privateFromPkcs8(Der.encode(Der.SEQUENCE, new byte[] {Der.INTEGER, 1, 0},
                                    Der.RSA_ALGORITHM, Der.encode(Der.OCTET_STRING, der)));
                            embeddedPublic = derivedPublic(privateKey, null);
                        }
                    }
                    case "EC PRIVATE KEY" -> {
                        if (privateKey == null) {
                            privateKey = privateFromSec1(der);
                            embeddedPublic = ecPublicFromSec1(der, (ECPrivateKey) privateKey);
                        }
                    }
                    default -> {
                        // EC PARAMETERS (written by openssl ecparam -genkey) and anything else: not a key
                    }
                }
            } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException
                    | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("cannot read the PEM block " + type + ": " + e.getMessage());
            }
        }
        if (publicKey == null && privateKey == null) {
            throw new IllegalArgumentException("the key file has PEM blocks but no RSA or EC key");
        }
        return new JwtKey(publicKey != null ? publicKey : embeddedPublic, privateKey, null);
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    private static PublicKey publicFromSpki(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA or EC public key", last);
    }

    private static PrivateKey privateFromPkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA or EC private key", last);
    }

    /** SEC1 {@code ECPrivateKey} → PKCS#8, taking the curve from its {@code [0]} parameters. */
    private static PrivateKey privateFromSec1(byte[] sec1) throws GeneralSecurityException {
        Der.Element params = Der.read(sec1).child(Der.CONTEXT_0);
        if (params == null) {
            throw new GeneralSecurityException("EC private key without its curve");
        }
        byte[] curve = params.children().get(0).encoded();
        byte[] pkcs8 = Der.encode(Der.SEQUENCE, new byte[] {Der.INTEGER, 1, 0},
                Der.encode(Der.SEQUENCE, Der.EC_PUBLIC_KEY_OID, curve), Der.encode(Der.OCTET_STRING, sec1));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /**
     * The public half of a private key, for verifying signatures made with it: computed for RSA, and for EC taken
     * from the public point the key file carries (OpenSSL writes it); null when it cannot be had.
     */
    private static PublicKey derivedPublic(PrivateKey key, byte[] pkcs8) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (key instanceof ECPrivateKey ec && pkcs8 != null) {
            Der.Element sec1 = Der.read(pkcs8).child(Der.OCTET_STRING);
            return sec1 == null ? null : ecPublicFromSec1(sec1.content(), ec);
        }
        return null;
    }

    /** The uncompressed public point in SEC1's optional {@code [1]} field, or null. */
    private static PublicKey ecPublicFromSec1(byte[] sec1, ECPrivateKey key) throws GeneralSecurityException {
        Der.Element field = Der.read(sec1).child(Der.CONTEXT_1);
        if (field == null) {
            return null;
        }
        byte[] bits = field.children().get(0).content();
        int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        // bits[0] counts unused bits (0); then 0x04 || X || Y.
        if (bits.length != 2 + 2 * size || bits[1] != 0x04) {
            return null;
        }
        ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(bits, 2, 2 + size)),
                new BigInteger(1, Arrays.copyOfRange(bits, 2 + size, bits.length)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, key.getParams()));
    }
}
