package io.websockify.token;

/**
 * What a token plugin may know about one connection attempt.
 *
 * @param token  the token, already URL-decoded; never null or empty
 * @param user   the authenticated user's name (container login or auth plugin), or null
 * @param client the client's address as the container reports it, for logs
 */
public record TokenRequest(String token, String user, String client) {
}
