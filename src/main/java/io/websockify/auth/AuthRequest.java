package io.websockify.auth;

import io.websockify.target.Target;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;

/**
 * What an auth plugin may look at.
 *
 * @param headers           header values by name (case-insensitive), never null
 * @param clientCertificate the client certificate the TLS layer verified, or null; never taken from a header
 * @param user              the user the container authenticated, or null
 * @param client            client address for logs
 * @param target            the target of the connection, or null for plain HTTP requests
 */
public record AuthRequest(Function<String, List<String>> headers, X509Certificate clientCertificate, String user,
                          String client, Target target) {

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> v = headers.apply(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
