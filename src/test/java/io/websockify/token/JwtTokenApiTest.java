package io.websockify.token;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.websockify.config.SettingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static io.websockify.token.TokenFilesTest.lookup;
import static io.websockify.token.TokenFilesTest.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JWTTokenApi with tokens minted here and keys generated here. */
class JwtTokenApiTest {
    private static KeyPair rsa;
    private static KeyPair otherRsa;
    private static KeyPair ec;
    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        otherRsa = r.generateKeyPair();
        KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
        e.initialize(new ECGenParameterSpec("secp256r1"));
        ec = e.generateKeyPair();
    }

    // ---- key files ----

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private Path keyFile(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** SEC1 "EC PRIVATE KEY" as OpenSSL writes it: the curve and the public point included. */
    static byte[] sec1(KeyPair pair) {
        byte[] d = unsigned(((ECPrivateKey) pair.getPrivate()).getS(), 32);
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        byte[] point = new byte[66];
        point[1] = 0x04;
        System.arraycopy(unsigned(pub.getW().getAffineX(), 32), 0, point, 2, 32);
        System.arraycopy(unsigned(pub.getW().getAffineY(), 32), 0, point, 34, 32);
        byte[] p256 = {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x03, 0x01, 0x07};
        return Der.encode(Der.SEQUENCE, new byte[] {Der.INTEGER, 1, 1}, Der.encode(Der.OCTET_STRING, d),
                Der.encode(Der.CONTEXT_0, p256), Der.encode(Der.CONTEXT_1, Der.encode(Der.BIT_STRING, point)));
    }

    private static byte[] unsigned(BigInteger n, int size) {
        byte[] b = n.toByteArray();
        byte[] out = new byte[size];
        int copy = Math.min(b.length, size);
        System.arraycopy(b, b.length - copy, out, size - copy, copy);
        return out;
    }

    // ---- tokens ----

    private static JWTClaimsSet claims(Map<String, Object> extra) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().claim("host", "192.0.2.7").claim("port", 5907);
        extra.forEach(b::claim);
        return b.build();
    }

    static SignedJWT signed(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt;
    }

    static String nested(SignedJWT inner, JWEAlgorithm alg, EncryptionMethod enc, JWEEncrypter encrypter)
            throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, enc).contentType("JWT").build(), new Payload(inner));
        jwe.encrypt(encrypter);
        return jwe.serialize();
    }

    /** HS256 by hand: the JOSE library refuses to sign with secrets shorter than the hash. */
    static String hs256(byte[] secret, String claimsJson) throws Exception {
        return hmac("HS256", secret, claimsJson);
    }

    static String hmac(String alg, byte[] secret, String claimsJson) throws Exception {
        String input = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
        String name = "Hmac" + alg.replace("HS", "SHA");
        Mac mac = Mac.getInstance(name);
        mac.init(new SecretKeySpec(secret, name));
        return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    // ---- tests ----

    @Test
    void rsaPublicKeyVerifiesRsaSignatures() throws Exception {
        Path key = keyFile("rsa.pub", pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        try (JWTTokenApi api = new JWTTokenApi(key.toString())) {
            RSASSASigner signer = new RSASSASigner(rsa.getPrivate());
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)),
                    lookup(api, signed(signer, JWSAlgorithm.RS256, claims(Map.of())).serialize()));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)),
                    lookup(api, signed(signer, JWSAlgorithm.PS384, claims(Map.of())).serialize()));
            assertEquals(Optional.of(tcp("::1", 5901)), lookup(api, signed(signer, JWSAlgorithm.RS256,
                    claims(Map.of("host", "::1", "port", "5901"))).serialize()), "port as a string, IPv6 host");

            // Signed with another key, tampered, wrong algorithm family, garbage: unknown tokens.
            String wrongKey = signed(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256,
                    claims(Map.of())).serialize();
            String good = signed(signer, JWSAlgorithm.RS256, claims(Map.of())).serialize();
            String[] parts = good.split("\\.");
            String tampered = parts[0] + "." + b64("{\"host\":\"203.0.113.1\",\"port\":22}") + "." + parts[2];
            String hmacWithPublicKeyAsSecret = signed(new MACSigner(Arrays.copyOf(rsa.getPublic().getEncoded(), 64)),
                    JWSAlgorithm.HS256, claims(Map.of())).serialize();
            for (String bad : new String[] {wrongKey, tampered, hmacWithPublicKeyAsSecret, "not-a-jwt", "a.b.c"}) {
                assertEquals(Optional.empty(), lookup(api, bad), bad);
            }
        }
    }

    @Test
    void rsaPrivateKeyInBothPemFormsVerifiesAndDecrypts() throws Exception {
        byte[] pkcs8 = rsa.getPrivate().getEncoded();
        byte[] pkcs1 = Der.read(pkcs8).child(Der.OCTET_STRING).content();
        RSASSASigner signer = new RSASSASigner(rsa.getPrivate());
        for (String content : new String[] {pem("PRIVATE KEY", pkcs8), pem("RSA PRIVATE KEY", pkcs1)}) {
            Path key = keyFile("rsa.key", content);
            try (JWTTokenApi api = new JWTTokenApi(key.toString())) {
                SignedJWT inner = signed(signer, JWSAlgorithm.RS256, claims(Map.of()));
                assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, inner.serialize()));
                String jwe = nested(inner, JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM,
                        new RSAEncrypter((RSAPublicKey) rsa.getPublic()));
                assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, jwe));

                // The encrypted token must hold a token signed with the same key.
                SignedJWT foreign = signed(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256,
                        claims(Map.of()));
                assertEquals(Optional.empty(), lookup(api, nested(foreign, JWEAlgorithm.RSA_OAEP_256,
                        EncryptionMethod.A256GCM, new RSAEncrypter((RSAPublicKey) rsa.getPublic()))));
                JWEObject plainClaims = new JWEObject(new JWEHeader(JWEAlgorithm.RSA_OAEP_256,
                        EncryptionMethod.A128GCM), new Payload("{\"host\":\"192.0.2.7\",\"port\":5907}"));
                plainClaims.encrypt(new RSAEncrypter((RSAPublicKey) rsa.getPublic()));
                assertEquals(Optional.empty(), lookup(api, plainClaims.serialize()));
                // Encrypted for another key.
                assertEquals(Optional.empty(), lookup(api, nested(inner, JWEAlgorithm.RSA_OAEP_256,
                        EncryptionMethod.A256GCM, new RSAEncrypter((RSAPublicKey) otherRsa.getPublic()))));
            }
        }
    }

    @Test
    void ecKeysVerifyAndDecrypt() throws Exception {
        ECDSASigner signer = new ECDSASigner((ECPrivateKey) ec.getPrivate());
        SignedJWT inner = signed(signer, JWSAlgorithm.ES256, claims(Map.of()));
        Path pub = keyFile("ec.pub", pem("PUBLIC KEY", ec.getPublic().getEncoded()));
        try (JWTTokenApi api = new JWTTokenApi(pub.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, inner.serialize()));
            assertEquals(Optional.empty(), lookup(api, signed(new RSASSASigner(rsa.getPrivate()),
                    JWSAlgorithm.RS256, claims(Map.of())).serialize()), "RSA token against an EC key");
        }
        String jwe = nested(inner, JWEAlgorithm.ECDH_ES_A128KW, EncryptionMethod.A128GCM,
                new ECDHEncrypter((ECPublicKey) ec.getPublic()));
        // OpenSSL's SEC1 form carries the public point; a PKCS#8 key from the JDK does not, so its PEM file
        // needs the public key beside it.
        String[] files = {pem("EC PARAMETERS", new byte[] {0x06, 0x01, 0x00}) + pem("EC PRIVATE KEY", sec1(ec)),
                pem("PRIVATE KEY", ec.getPrivate().getEncoded()) + pem("PUBLIC KEY", ec.getPublic().getEncoded())};
        for (String content : files) {
            Path key = keyFile("ec.key", content);
            try (JWTTokenApi api = new JWTTokenApi(key.toString())) {
                assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, inner.serialize()), content);
                assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, jwe), content);
            }
        }
    }

    @Test
    void hmacSecretIsTheBase64urlTextOfTheKeyFile() throws Exception {
        // Upstream's fixture: the text secret_sauce is the JWK "k" value, i.e. these 9 bytes.
        byte[] sauce = HexFormat.of().parseHex("b1e72b7adfec6ae71e");
        assertArrayEquals(sauce, JwtKey.parse("secret_sauce").secret());
        assertArrayEquals(sauce, JwtKey.parse("secret_sauce\n").secret(), "a trailing newline is tolerated");

        Path key = keyFile("hmac.key", "secret_sauce");
        try (LogCapture log = new LogCapture(JWTTokenApi.class);
             JWTTokenApi api = new JWTTokenApi(key.toString())) {
            assertEquals(1, log.count("the HMAC secret has only 72 bits"), log.messages().toString());
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)),
                    lookup(api, hs256(sauce, "{\"host\":\"192.0.2.7\",\"port\":5907}")));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)),
                    lookup(api, hmac("HS384", sauce, "{\"host\":\"192.0.2.7\",\"port\":5907}")));
            assertEquals(Optional.empty(), lookup(api, hs256("secret_sauce".getBytes(StandardCharsets.US_ASCII),
                    "{\"host\":\"192.0.2.7\",\"port\":5907}")), "the raw text is not the secret");
        }

        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path longKey = keyFile("long.key", Base64URL.encode(secret) + "\n");
        try (JWTTokenApi api = new JWTTokenApi(longKey.toString())) {
            SignedJWT inner = signed(new MACSigner(secret), JWSAlgorithm.HS256, claims(Map.of()));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, inner.serialize()));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)),
                    lookup(api, hmac("HS512", secret, "{\"host\":\"192.0.2.7\",\"port\":5907}")));
            String jwe = nested(inner, JWEAlgorithm.DIR, EncryptionMethod.A128CBC_HS256, new DirectEncrypter(secret));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, jwe));
            byte[] other = secret.clone();
            other[0] ^= 1;
            assertEquals(Optional.empty(), lookup(api, signed(new MACSigner(other), JWSAlgorithm.HS256,
                    claims(Map.of())).serialize()));
        }
    }

    @Test
    void algNoneIsRefused() throws Exception {
        Path key = keyFile("hmac.key", "secret_sauce");
        String claims = b64("{\"host\":\"192.0.2.7\",\"port\":5907}");
        byte[] sauce = HexFormat.of().parseHex("b1e72b7adfec6ae71e");
        String validSignature = hs256(sauce, "{\"host\":\"192.0.2.7\",\"port\":5907}").split("\\.")[2];
        try (LogCapture log = new LogCapture(JWTTokenApi.class);
             JWTTokenApi api = new JWTTokenApi(key.toString())) {
            for (String none : new String[] {b64("{\"alg\":\"none\"}") + "." + claims + ".",
                    b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + claims + "." + validSignature,
                    b64("{\"alg\":\"NONE\"}") + "." + claims + "."}) {
                assertEquals(Optional.empty(), lookup(api, none), none);
            }
            assertTrue(log.count("rejected") >= 3, log.messages().toString());
        }
    }

    @Test
    void nbfAndExpAreCheckedWithoutLeeway() throws Exception {
        Path key = keyFile("rsa.pub", pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        RSASSASigner signer = new RSASSASigner(rsa.getPrivate());
        try (LogCapture log = new LogCapture(JWTTokenApi.class);
             JWTTokenApi api = new JWTTokenApi(key.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, signed(signer, JWSAlgorithm.RS256,
                    claims(Map.of("nbf", now() - 60, "exp", now() + 60))).serialize()));
            // 10 s past exp: within the 60 s leeway many libraries allow, but upstream refuses it.
            assertEquals(Optional.empty(), lookup(api, signed(signer, JWSAlgorithm.RS256,
                    claims(Map.of("exp", now() - 10))).serialize()));
            assertEquals(Optional.empty(), lookup(api, signed(signer, JWSAlgorithm.RS256,
                    claims(Map.of("nbf", now() + 10))).serialize()));
            assertEquals(1, log.count("expired"), log.messages().toString());
            assertEquals(1, log.count("not valid yet"), log.messages().toString());
        }
    }

    @Test
    void targetClaimsAreRequired() throws Exception {
        Path key = keyFile("rsa.pub", pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        RSASSASigner signer = new RSASSASigner(rsa.getPrivate());
        try (JWTTokenApi api = new JWTTokenApi(key.toString())) {
            JWTClaimsSet[] bad = {
                new JWTClaimsSet.Builder().claim("port", 5900).build(),
                new JWTClaimsSet.Builder().claim("host", "h").build(),
                new JWTClaimsSet.Builder().claim("host", "h").claim("port", "x").build(),
                new JWTClaimsSet.Builder().claim("host", "unix_socket").claim("port", "/run/x.sock").build(),
                new JWTClaimsSet.Builder().claim("host", 7).claim("port", 5900).build(),
            };
            for (JWTClaimsSet c : bad) {
                assertEquals(Optional.empty(), lookup(api, signed(signer, JWSAlgorithm.RS256, c).serialize()),
                        c.toString());
            }
        }
    }

    @Test
    void keyFileIsReadAgainWhenItChanges() throws Exception {
        Path key = keyFile("rsa.pub", pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        String byFirst = signed(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims(Map.of())).serialize();
        String bySecond = signed(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256,
                claims(Map.of())).serialize();
        try (JWTTokenApi api = new JWTTokenApi(key.toString())) {
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, byFirst));
            assertEquals(Optional.empty(), lookup(api, bySecond));

            FileTime before = Files.getLastModifiedTime(key);
            Files.writeString(key, pem("PUBLIC KEY", otherRsa.getPublic().getEncoded()));
            // Same size; make sure the time differs even on a file system with coarse timestamps.
            Files.setLastModifiedTime(key, FileTime.fromMillis(before.toMillis() + 2000));
            assertEquals(Optional.empty(), lookup(api, byFirst));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, bySecond));

            Files.delete(key);
            assertThrows(TokenLookupException.class, () -> lookup(api, bySecond));
            Files.writeString(key, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
            assertThrows(TokenLookupException.class, () -> lookup(api, bySecond));
            Files.writeString(key, pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
            assertEquals(Optional.of(tcp("192.0.2.7", 5907)), lookup(api, byFirst));
        }
    }

    @Test
    void unusableKeyFileFailsStartUp() throws Exception {
        String[] contents = {
            "",
            "not base64url!",
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0}),
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
                    + "-----END RSA PRIVATE KEY-----\n",
        };
        for (String content : contents) {
            Path key = keyFile("bad.key", content);
            assertThrows(IllegalArgumentException.class, () -> new JWTTokenApi(key.toString()), content);
        }
        SettingException e = assertThrows(SettingException.class,
                () -> TokenPlugins.create("JWTTokenApi", dir.resolve("missing.key").toString()));
        assertTrue(e.getMessage().contains("websockify.token-source") && e.getMessage().contains("missing.key"),
                e.getMessage());
    }

    @Test
    void rsa15EncryptionIsRefused() throws Exception {
        Path key = keyFile("rsa.key", pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
        SignedJWT inner = signed(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims(Map.of()));
        try (LogCapture log = new LogCapture(JWTTokenApi.class);
             JWTTokenApi api = new JWTTokenApi(key.toString())) {
            String jwe = nested(inner, JWEAlgorithm.parse("RSA1_5"), EncryptionMethod.A128GCM,
                    new RSAEncrypter((RSAPublicKey) rsa.getPublic()));
            assertEquals(Optional.empty(), lookup(api, jwe));
            assertEquals(1, log.count("RSA1_5 is refused"), log.messages().toString());
        }
    }
}
