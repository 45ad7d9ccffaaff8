package io.websockify.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.AESDecrypter;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.websockify.target.Target;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upstream's {@code JWTTokenApi}: the token is a JWT naming its own target in the claims {@code host} and
 * {@code port} (a number or a string), checked with the key in the key file (the source; formats in
 * {@link JwtKey}).
 *
 * <p>A signed token (JWS) must verify with the key: RS/PS with an RSA key, ES with an EC key, HS with the secret;
 * {@code alg: none} is refused. An encrypted token (JWE, its header has {@code enc}) is decrypted with the private
 * key or the secret ({@code RSA-OAEP*}, {@code ECDH-ES*}, {@code dir}, {@code A*KW}, {@code A*GCMKW}; not
 * {@code RSA1_5}) and must contain a signed JWT verified with the same key, as upstream. {@code nbf} and {@code exp}
 * are checked without leeway (upstream's own check). Any failure (bad signature, wrong key, expired, not yet valid,
 * missing claim, not a JWT) is an unknown token (HTTP 404) and logged with its reason at INFO, never the token.
 * The host is a host name or IP address; upstream's {@code unix_socket} host is not accepted.
 *
 * <p>The key file is read at start-up (missing or unusable: start-up fails) and read again when its size or
 * modification time changes (checked on each lookup); while it is missing or unusable, lookups throw
 * {@link TokenLookupException} (HTTP 503). Thread-safe.
 */
public final class JWTTokenApi implements TokenPlugin {
    private static final Logger LOG = System.getLogger(JWTTokenApi.class.getName());
    private static final long MAX_KEY_FILE_BYTES = 1 << 20;
    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);

    /** The key as last read, with the file attributes it was read at; or why it could not be read. */
    private record Loaded(JwtKey key, String stamp, String failure) {
    }

    private final Path file;
    private final Object loadLock = new Object();
    private volatile Loaded loaded;

    /** @throws IllegalArgumentException when the key file is missing or holds no usable key */
    public JWTTokenApi(String source) {
        try {
            file = Path.of(source.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getMessage());
        }
        Loaded first = load(stamp());
        if (first.failure() != null) {
            throw new IllegalArgumentException(first.failure());
        }
        loaded = first;
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        JwtKey key = key();
        String label = Redaction.token(request.token());
        try {
            return Optional.of(check(request.token(), key));
        } catch (Rejected e) {
            LOG.log(Level.INFO, "JWT {0} rejected: {1}", label, e.getMessage());
            return Optional.empty();
        }
    }

    /** Why a token is refused; becomes "not found". */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private Target check(String token, JwtKey key) throws Rejected {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new Rejected("not a JWT (" + e.getMessage() + ")");
        }
        SignedJWT signed;
        if (jwt instanceof SignedJWT s) {
            signed = s;
        } else if (jwt instanceof EncryptedJWT e) {
            decrypt(e, key);
            signed = e.getPayload().toSignedJWT();
            if (signed == null) {
                throw new Rejected("the encrypted JWT does not hold a signed JWT");
            }
        } else {
            throw new Rejected("unsigned JWT (alg none)");
        }
        verify(signed, key);
        Map<String, Object> claims = signed.getPayload().toJSONObject();
        if (claims == null) {
            throw new Rejected("the payload is not a JSON object");
        }
        double now = System.currentTimeMillis() / 1000.0;
        if (claims.containsKey("nbf") && !(claims.get("nbf") instanceof Number nbf && now >= nbf.doubleValue())) {
            throw new Rejected("not valid yet (nbf)");
        }
        if (claims.containsKey("exp") && !(claims.get("exp") instanceof Number exp && now <= exp.doubleValue())) {
            throw new Rejected("expired (exp)");
        }
        try {
            return TargetFields.of(claims.get("host"), claims.get("port"), false);
        } catch (IllegalArgumentException e) {
            throw new Rejected("bad target claims: " + e.getMessage());
        }
    }

    private static void verify(SignedJWT jwt, JwtKey key) throws Rejected {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        try {
            boolean valid;
            if (key.secret() != null) {
                valid = hmacValid(jwt, key.secret());
            } else if (key.verifyKey() instanceof RSAPublicKey rsa) {
                valid = jwt.verify(new RSASSAVerifier(rsa));
            } else if (key.verifyKey() instanceof ECPublicKey ec) {
                valid = jwt.verify(new ECDSAVerifier(ec));
            } else {
                throw new Rejected("the key file has no public key to check signatures with");
            }
            if (!valid) {
                throw new Rejected("bad signature");
            }
        } catch (JOSEException e) {
            throw new Rejected("signature not checked: " + e.getMessage());
        }
    }

    /**
     * HS256/384/512 with the JDK's Mac, compared in constant time. Not the JOSE library's verifier: it refuses
     * secrets shorter than the hash (256 bits for HS256), while upstream accepts any length and its own test key
     * is 72 bits.
     */
    private static boolean hmacValid(SignedJWT jwt, byte[] secret) throws Rejected {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!HMAC.contains(alg)) {
            throw new Rejected("algorithm " + alg + " does not fit an HMAC secret");
        }
        if (jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()) {
            throw new Rejected("unsupported critical header parameters");
        }
        String name = "Hmac" + alg.getName().replace("HS", "SHA");
        try {
            Mac mac = Mac.getInstance(name);
            mac.init(new SecretKeySpec(secret, name));
            byte[] expected = mac.doFinal(jwt.getSigningInput());
            return MessageDigest.isEqual(expected, jwt.getSignature().decode());
        } catch (GeneralSecurityException e) {
            throw new Rejected("signature not checked: " + e.getMessage());
        }
    }

    private static void decrypt(EncryptedJWT jwt, JwtKey key) throws Rejected {
        JWEAlgorithm alg = jwt.getHeader().getAlgorithm();
        if ("RSA1_5".equals(alg.getName())) { // padding-oracle prone; the library deprecates it
            throw new Rejected("JWE algorithm RSA1_5 is refused");
        }
        try {
            JWEDecrypter decrypter;
            if (key.secret() != null) {
                decrypter = JWEAlgorithm.DIR.equals(alg)
                        ? new DirectDecrypter(key.secret())
                        : new AESDecrypter(key.secret());
            } else if (key.decryptKey() instanceof ECPrivateKey ec) {
                decrypter = new ECDHDecrypter(ec);
            } else if (key.decryptKey() != null && "RSA".equals(key.decryptKey().getAlgorithm())) {
                decrypter = new RSADecrypter(key.decryptKey());
            } else {
                throw new Rejected("an encrypted JWT needs a private key or a secret in the key file");
            }
            jwt.decrypt(decrypter);
        } catch (JOSEException e) {
            throw new Rejected("cannot decrypt: " + e.getMessage());
        }
    }

    /** The current key, read again if the file changed since. */
    private JwtKey key() throws TokenLookupException {
        String stamp = stamp();
        Loaded l = loaded;
        if (!stamp.equals(l.stamp())) {
            synchronized (loadLock) {
                l = loaded;
                if (!stamp.equals(l.stamp())) {
                    l = load(stamp);
                    if (l.failure() != null) {
                        LOG.log(Level.WARNING, "JWTTokenApi: {0}", l.failure());
                    } else {
                        LOG.log(Level.INFO, "JWTTokenApi key file {0} read again", file);
                    }
                    loaded = l;
                }
            }
        }
        if (l.failure() != null) {
            throw new TokenLookupException("JWT key file unusable: " + l.failure());
        }
        return l.key();
    }

    /** Size, modification time and identity of the key file, or a marker when it cannot be examined. */
    private String stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime() + "/" + a.fileKey();
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }

    private Loaded load(String stamp) {
        try {
            if (!Files.isRegularFile(file)) {
                return new Loaded(null, stamp, "no such key file: " + file.toAbsolutePath());
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                return new Loaded(null, stamp, "key file larger than 1 MiB: " + file.toAbsolutePath());
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            JwtKey key = JwtKey.parse(text);
            if (key.secret() != null && key.secret().length < 32) {
                LOG.log(Level.WARNING, "JWTTokenApi key file {0}: the HMAC secret has only {1} bits; use 256 or more",
                        file, String.valueOf(key.secret().length * 8));
            }
            return new Loaded(key, stamp, null);
        } catch (CharacterCodingException e) {
            return new Loaded(null, stamp, "key file " + file + " is not text (PEM or base64url)");
        } catch (IOException e) {
            return new Loaded(null, stamp, "cannot read key file " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            return new Loaded(null, stamp, "key file " + file + ": " + e.getMessage());
        }
    }
}
