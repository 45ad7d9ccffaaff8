package io.websockify.token;

import io.websockify.target.Target;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads upstream's token files: {@code token: host:port} lines, as websockify 0.13 reads them. Stateless.
 *
 * <p>Each line is stripped; empty lines and lines starting with {@code #} are skipped; the rest is split on a colon
 * followed by one whitespace character and must give exactly two parts. The target is {@code host:port} (split at
 * the last colon, so {@code ::1:5900} and {@code [::1]:5900} both work) or {@code unix_socket:/path}. A bad line is
 * logged with its file and line number (never its content, which holds a token) and skipped. Later lines override
 * earlier ones; a directory's regular files are read in name order.
 */
final class TokenFileParser {
    private static final Logger LOG = System.getLogger(TokenFileParser.class.getName());
    /** Python's {@code re.split(r':\s', line)}: Python's {@code \s} matches Unicode white space. */
    private static final Pattern SEPARATOR = Pattern.compile(":\\s", Pattern.UNICODE_CHARACTER_CLASS);

    private TokenFileParser() {
    }

    /**
     * The source as an existing file or directory.
     *
     * @throws IllegalArgumentException naming the path when it is malformed or does not exist
     */
    static Path existingSource(String source) {
        Path path;
        try {
            path = Path.of(source.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getMessage());
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such file or directory: " + path.toAbsolutePath());
        }
        if (!Files.isDirectory(path) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException("not a regular file or directory: " + path.toAbsolutePath());
        }
        return path;
    }

    /**
     * The files to read: the source itself, or the regular files (hidden ones too, symbolic links followed) of a
     * source directory in name order; sub-directories are skipped.
     *
     * @throws NoSuchFileException when the source is gone
     */
    static List<Path> files(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            if (!Files.exists(source)) {
                throw new NoSuchFileException(source.toString());
            }
            return List.of(source);
        }
        try (Stream<Path> entries = Files.list(source)) {
            return entries.filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * Reads all token files of the source into an immutable map. In a directory, a file that cannot be read (or is
     * not UTF-8) is logged and skipped.
     *
     * @throws IOException when the source is missing, cannot be listed, or is a single file that cannot be read
     */
    static Map<String, Target> read(Path source) throws IOException {
        boolean single = !Files.isDirectory(source);
        Map<String, Target> targets = new HashMap<>();
        for (Path file : files(source)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                String why = e instanceof CharacterCodingException ? "not UTF-8 text" : e.toString();
                if (single) {
                    throw new IOException("cannot read " + file + ": " + why, e);
                }
                LOG.log(Level.WARNING, "Token file {0} skipped: {1}", file, why);
                continue;
            }
            parse(file, lines, targets);
        }
        return Map.copyOf(targets);
    }

    /** Adds the entries of one file's lines to {@code into}; {@code file} is only named in log messages. */
    static void parse(Path file, List<String> lines, Map<String, Target> into) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark left by some Windows editors
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = SEPARATOR.split(line, -1);
            if (parts.length != 2) {
                syntaxError(file, i + 1, parts.length < 2
                        ? "expected 'token: host:port' (a colon and a space after the token)"
                        : "more than one ': ' on the line");
                continue;
            }
            try {
                into.put(parts[0], Target.parse(parts[1]));
            } catch (IllegalArgumentException e) {
                syntaxError(file, i + 1, "bad target: " + e.getMessage());
            }
        }
    }

    private static void syntaxError(Path file, int line, String why) {
        LOG.log(Level.WARNING, "Syntax error in {0} on line {1}: {2}", file, String.valueOf(line), why);
    }
}
