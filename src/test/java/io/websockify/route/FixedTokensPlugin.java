package io.websockify.route;

import io.websockify.target.Target;
import io.websockify.token.TokenLookupException;
import io.websockify.token.TokenPlugin;
import io.websockify.token.TokenRequest;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A user-written plugin loaded by class name, as operators add their own: source {@code tok=host:port;…}.
 * The token {@code broken} simulates a source that cannot answer.
 */
public final class FixedTokensPlugin implements TokenPlugin {
    private final Map<String, Target> targets = new HashMap<>();

    public FixedTokensPlugin(String source) {
        for (String entry : source.split(";")) {
            int eq = entry.indexOf('=');
            targets.put(entry.substring(0, eq), Target.parse(entry.substring(eq + 1)));
        }
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        if (request.token().equals("broken")) {
            throw new TokenLookupException("backend down");
        }
        return Optional.ofNullable(targets.get(request.token()));
    }
}
