package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Upstream's {@code TokenFile}: like {@link ReadOnlyTokenFile} (same file format, see {@link TokenFileParser}), but
 * edits, new files and removed files are seen without a restart.
 *
 * <p>Upstream re-reads every file on every connection; this plugin reads them only after a change: a file-system
 * watch on the directory, plus a check of names, sizes and modification times at most once per second (for file
 * systems that cannot be watched). The table is an immutable snapshot replaced as a whole, so a lookup never sees a
 * half-read directory. A change is normally seen by the first connection after it; lookups are thread-safe.
 *
 * <p>The source must exist at start-up (unlike upstream, which fails only when the first client connects). If it
 * disappears or becomes unreadable later, lookups throw {@link TokenLookupException} (HTTP 503) until it is back.
 */
public final class TokenFile implements TokenPlugin {
    private static final Logger LOG = System.getLogger(TokenFile.class.getName());

    /** One reading of the source: the table, or why it could not be read. */
    private record Snapshot(Map<String, Target> targets, String failure) {
    }

    private final Path source;
    private final SourceChanges changes;
    private final Object readLock = new Object();
    private volatile Snapshot snapshot;

    /** @throws IllegalArgumentException when the source does not exist or cannot be read */
    public TokenFile(String source) {
        this(source, 1, TimeUnit.SECONDS);
    }

    /** With another interval for the modification-time check (tests). */
    TokenFile(String source, long statInterval, TimeUnit unit) {
        this.source = TokenFileParser.existingSource(source);
        this.changes = new SourceChanges(this.source, statInterval, unit);
        Snapshot first = read();
        if (first.failure() != null) {
            changes.close();
            throw new IllegalArgumentException(first.failure());
        }
        snapshot = first;
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        if (changes.changed()) {
            synchronized (readLock) {
                snapshot = read();
            }
        }
        Snapshot s = snapshot;
        if (s.failure() != null) {
            throw new TokenLookupException("token source " + source + " unavailable: " + s.failure());
        }
        return Optional.ofNullable(s.targets().get(request.token()));
    }

    private Snapshot read() {
        changes.reading();
        try {
            Map<String, Target> targets = TokenFileParser.read(source);
            LOG.log(Level.INFO, "TokenFile {0} read: {1} token(s)", source, String.valueOf(targets.size()));
            return new Snapshot(targets, null);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException
                    ? "no such file or directory: " + source.toAbsolutePath()
                    : e.getMessage();
            LOG.log(Level.WARNING, "TokenFile {0} cannot be read: {1}", source, why);
            return new Snapshot(Map.of(), why);
        }
    }

    @Override
    public void close() {
        changes.close();
    }
}
