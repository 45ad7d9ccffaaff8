package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Upstream's {@code TokenFileName}: the source is a directory; the file named like the token holds the target,
 * {@code host:port} ({@code [v6]:port}, {@code v6:port} and {@code unix_socket:/path} work too), surrounding white
 * space ignored.
 *
 * <p>Only the token's last path component counts ({@code a/b} looks up {@code b}); {@code .}, {@code ..} and an
 * empty name are unknown tokens, and a file whose real path (symbolic links resolved) lies outside the directory is
 * not used. A missing file is an unknown token; a file with a malformed target is logged (naming the file) and is an
 * unknown token too; a file that exists but cannot be read is a {@link TokenLookupException}. Logs name the file
 * by its redacted digest, since its name is the token. Every lookup reads the file (no caching), so edits apply at
 * once. Thread-safe.
 */
public final class TokenFileName implements TokenPlugin {
    private static final Logger LOG = System.getLogger(TokenFileName.class.getName());
    /** A target is a short line; a bigger file is not a token file. */
    private static final int MAX_FILE_BYTES = 4096;

    private final Path directory;

    /** @throws IllegalArgumentException when the source is not an existing directory */
    public TokenFileName(String source) {
        try {
            directory = Path.of(source.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getMessage());
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("TokenFileName needs an existing directory: "
                    + directory.toAbsolutePath());
        }
    }

    @Override
    public Optional<Target> lookup(TokenRequest request) throws TokenLookupException {
        String token = request.token();
        String name = token.substring(token.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        Path real;
        try {
            real = directory.resolve(name).toRealPath();
            if (!real.startsWith(directory.toRealPath()) || !Files.isRegularFile(real)) {
                return Optional.empty();
            }
        } catch (InvalidPathException | NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // The exception's message would name the file, whose name is the token.
            throw new TokenLookupException("cannot read token directory " + directory + ": "
                    + e.getClass().getSimpleName(), e);
        }
        String content;
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                LOG.log(Level.WARNING, "Token file {0} in {1} ignored: larger than {2} bytes", Redaction.token(name),
                        directory, String.valueOf(MAX_FILE_BYTES));
                return Optional.empty();
            }
            content = new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TokenLookupException("cannot read token file " + Redaction.token(name) + " in " + directory
                    + ": " + e.getClass().getSimpleName(), e);
        }
        try {
            return Optional.of(Target.parse(content));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Token file {0} in {1} ignored: bad target: {2}", Redaction.token(name), directory,
                    e.getMessage());
            return Optional.empty();
        }
    }
}
