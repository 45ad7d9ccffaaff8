package io.websockify.wrap;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The word syntax of {@code websockify.wrap-command} and {@code websockify.wrap-env}: a subset of the POSIX shell's
 * quoting, and nothing else (no variables, globs, pipes or {@code ~}), because the program is started without a
 * shell.
 *
 * <ul>
 *   <li>Words are separated by white space (spaces, tabs, newlines).</li>
 *   <li>{@code '...'} keeps everything inside literally.</li>
 *   <li>{@code "..."} keeps everything inside, except that {@code \"} and {@code \\} stand for {@code "} and
 *       {@code \}.</li>
 *   <li>Outside quotes, {@code \} makes the next character literal (so {@code a\ b} is one word).</li>
 *   <li>Quoted parts join with adjacent text into one word; {@code ''} is an empty word.</li>
 * </ul>
 *
 * <p>{@link #join} quotes a list so that {@link #split} gives it back; the standalone launcher uses it to turn
 * {@code -- PROGRAM ARGS...} into the setting. Stateless and thread-safe.
 */
public final class CommandLine {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./{}-]+");

    private CommandLine() {
    }

    /**
     * Splits {@code text} into words.
     *
     * @throws IllegalArgumentException on an unterminated quote or a trailing backslash, with a message for the user
     */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote at position " + (i + 1));
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw new IllegalArgumentException("unterminated double quote at position " + (i + 1));
                    }
                    char d = text.charAt(j);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\' && j + 1 < n && (text.charAt(j + 1) == '"' || text.charAt(j + 1) == '\\')) {
                        word.append(text.charAt(j + 1));
                        j += 2;
                    } else {
                        word.append(d);
                        j++;
                    }
                }
                inWord = true;
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("backslash at the end with nothing to escape");
                }
                word.append(text.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /** Quotes {@code words} into one string that {@link #split} turns back into the same list. */
    public static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (PLAIN.matcher(w).matches()) {
                sb.append(w);
            } else {
                // Single quotes keep everything but a single quote, which is written as \' between two quoted parts.
                sb.append('\'').append(w.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
