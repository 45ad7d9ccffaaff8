package io.websockify.auth;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Upstream's {@code ClientCertCNAuth}: source is a whitespace-separated list of common names. The CN comes only
 * from the client certificate the TLS layer verified — never from a request header, which is how upstream can be
 * fooled ({@code SSL_CLIENT_S_DN_CN: jane} on a plain connection passes there). No certificate or another CN → 403.
 */
public final class ClientCertCnAuth implements AuthPlugin {
    private final List<String> names;

    public ClientCertCnAuth(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("ClientCertCNAuth needs a list of common names");
        }
        this.names = List.of(source.trim().split("\\s+"));
    }

    @Override
    public void authenticate(AuthRequest request) throws AuthException {
        X509Certificate cert = request.clientCertificate();
        String cn = cert == null ? null : commonName(cert);
        if (cn == null || !names.contains(cn)) {
            throw new AuthException(403, "Forbidden");
        }
    }

    /** The subject's CN, or null. */
    public static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
