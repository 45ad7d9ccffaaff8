package io.websockify.endpoint;

import io.websockify.target.Target;

/**
 * What the handshake learned about one connection, handed from the upgrade gate (a servlet filter, which sees the
 * HTTP request) to the endpoint (which does not).
 *
 * @param client client address and port as the container reports it (its remote-IP handling applies)
 * @param path   the route's path template, or the request path where no template matched; never the query
 * @param target the target this connection goes to
 * @param token  the token's label for logs (a digest, never the token), or null
 * @param user   the authenticated user's name, or null
 * @param onEnd  runs once when the session ends (gives back its slot of the session limits)
 */
public record HandshakeInfo(String client, String path, Target target, String token, String user, Runnable onEnd) {
    /** Key of this record in the endpoint config's user properties. */
    public static final String KEY = HandshakeInfo.class.getName();

    private static final ThreadLocal<HandshakeInfo> CURRENT = new ThreadLocal<>();

    /**
     * Makes this record visible to {@link #current()} on this thread until {@link #clear()}. Containers that run
     * the servlet filter chain and the WebSocket handshake on one thread (Tomcat, WildFly, Payara) see it in
     * {@code modifyHandshake}; others fall back to what the handshake request shows.
     */
    void bind() {
        CURRENT.set(this);
    }

    static void clear() {
        CURRENT.remove();
    }

    static HandshakeInfo current() {
        return CURRENT.get();
    }
}
