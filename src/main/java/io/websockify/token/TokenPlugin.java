package io.websockify.token;

import io.websockify.target.Target;

import java.util.Optional;

/**
 * Resolves a token to a target: the project's small public interface for token plugins, named like upstream
 * websockify's ({@code --token-plugin NAME --token-source SOURCE}).
 *
 * <p>A plugin of your own: a public class implementing this interface with a public constructor taking the
 * source string ({@code String}), or a public no-argument constructor when it needs no source; give its fully
 * qualified class name as {@code websockify.token-plugin}. The constructor runs once at start-up and may throw
 * {@link IllegalArgumentException} to reject a bad source (deployment fails, naming the setting).
 *
 * <p>{@link #lookup} is called for each connection attempt, concurrently from container threads, before the
 * WebSocket upgrade; it may block briefly (network look-ups must use timeouts). Implementations must be
 * thread-safe and must not keep per-connection state. {@link #close} runs once at shutdown.
 */
public interface TokenPlugin extends AutoCloseable {

    /**
     * @return the target for the token, or empty when the token is unknown (the client gets HTTP 404)
     * @throws TokenLookupException when the source cannot answer (the client gets HTTP 503)
     */
    Optional<Target> lookup(TokenRequest request) throws TokenLookupException;

    /** Releases connections, watchers and threads. */
    @Override
    default void close() {
    }
}
