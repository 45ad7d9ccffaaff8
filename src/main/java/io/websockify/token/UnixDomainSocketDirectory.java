package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Upstream's {@code UnixDomainSocketDirectory}: the source is a directory; the token names a Unix socket in it
 * ({@code vm1} → {@code <dir>/vm1}), and the target is that socket.
 *
 * <p>Both the directory and the candidate are resolved to their real paths (symbolic links and {@code ..} removed)
 * before the candidate is required to lie inside the directory, so {@code ../other/x.sock}, absolute tokens and
 * symbolic links pointing out of the directory are unknown tokens (upstream compares unresolved path strings and
 * can be escaped). The candidate must exist and be a socket (file type from {@code unix:mode}). The returned target
 * is the socket's real path. The directory must exist at start-up; if it vanishes later every token is unknown.
 * Thread-safe; nothing is cached.
 */
public final class UnixDomainSocketDirectory implements TokenPlugin {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path directory;

    /** @throws IllegalArgumentException when the source is not an existing directory */
    public UnixDomainSocketDirectory(String source) {
        try {
            directory = Path.of(source.trim()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getMessage());
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("UnixDomainSocketDirectory needs an existing directory: " + directory);
        }
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        try {
            Path realDirectory = directory.toRealPath();
            Path candidate = realDirectory.resolve(request.token()).toRealPath();
            if (!candidate.startsWith(realDirectory) || candidate.equals(realDirectory) || !isSocket(candidate)) {
                return Optional.empty();
            }
            return Optional.of(new Target.Unix(candidate));
        } catch (InvalidPathException | NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // The message would carry the path, i.e. the token.
            throw new TokenLookupException("cannot inspect socket directory " + directory + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException e) {
            // No "unix" view on this file system: sockets are among the "other" files there.
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.isOther();
        }
    }
}
