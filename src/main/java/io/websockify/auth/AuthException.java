package io.websockify.auth;

import java.util.Map;

/**
 * A refusal: the HTTP status, a short text for the client, and headers such as {@code WWW-Authenticate}.
 */
public class AuthException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, String> headers;

    public AuthException(int status, String message) {
        this(status, message, Map.of());
    }

    public AuthException(int status, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
