package io.websockify.testkit.browser;

import io.websockify.target.Target;
import io.websockify.token.TokenPlugin;
import io.websockify.token.TokenRequest;

import java.util.Optional;

/**
 * A token plugin of the kind users add by class name, knowing one token: source {@code TOKEN=host:port}. Lets
 * the browser test reach the desktop by token and meet an unknown one. Immutable; thread-safe.
 */
public final class OneTokenPlugin implements TokenPlugin {
    private final String token;
    private final Target target;

    public OneTokenPlugin(String source) {
        int eq = source.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected TOKEN=host:port, got " + source);
        }
        this.token = source.substring(0, eq);
        this.target = Target.parse(source.substring(eq + 1));
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) {
        return token.equals(request.token()) ? Optional.of(target) : Optional.empty();
    }
}
