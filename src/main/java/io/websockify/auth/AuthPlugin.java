package io.websockify.auth;

/**
 * Checks a request before the upgrade (and before static files when {@code websockify.web-auth} is on), like
 * upstream websockify's auth plugins ({@code --auth-plugin NAME --auth-source SOURCE}).
 *
 * <p>A plugin of your own: a public class implementing this interface with a public constructor taking the source
 * ({@code String}) or none; give its class name as {@code websockify.auth-plugin}. Called concurrently from
 * container threads; must be thread-safe and quick.
 */
public interface AuthPlugin {

    /** Returns normally to allow; throws to refuse with the exception's status and headers. */
    void authenticate(AuthRequest request) throws AuthException;
}
