package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's {@code ReadOnlyTokenFile}: the source is a token file or a directory of token files
 * ({@code token: host:port} lines, see {@link TokenFileParser}), read once when the plugin is created. Later edits
 * are not seen; use {@link TokenFile} for that.
 *
 * <p>Unlike upstream (which reads lazily at the first connection), a missing or unreadable source fails start-up.
 * Thread-safe: the table is immutable.
 */
public final class ReadOnlyTokenFile implements TokenPlugin {
    private static final Logger LOG = System.getLogger(ReadOnlyTokenFile.class.getName());

    private final Map<String, Target> targets;

    /** @throws IllegalArgumentException when the source does not exist or cannot be read */
    public ReadOnlyTokenFile(String source) {
        Path path = TokenFileParser.existingSource(source);
        try {
            targets = TokenFileParser.read(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        LOG.log(Level.INFO, "ReadOnlyTokenFile {0} read: {1} token(s)", path, String.valueOf(targets.size()));
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) {
        return Optional.ofNullable(targets.get(request.token()));
    }
}
