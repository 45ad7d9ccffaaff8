package io.websockify.token;

/**
 * The token source cannot answer now (Redis down, API timeout, unreadable file): the client gets HTTP 503 and the
 * server keeps serving. Not for unknown tokens, which are an empty result.
 */
public class TokenLookupException extends Exception {
    private static final long serialVersionUID = 1L;

    public TokenLookupException(String message) {
        super(message);
    }

    public TokenLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
