package io.websockify.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The HTML page listing one directory: entries sorted by name (case-insensitive), sub-directories with a trailing
 * {@code /}, names HTML-escaped and links percent-encoded. Entries that lead outside the web root (symbolic
 * links) are left out, as they could not be fetched anyway.
 */
final class DirectoryListing {
    private DirectoryListing() {
    }

    /** The page for {@code dir} (a real path inside {@code rootReal}), titled with the request path. */
    static byte[] render(Path dir, Path rootReal, String requestPath) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Path real;
                try {
                    real = entry.toRealPath();
                } catch (IOException e) {
                    continue; // dangling link or vanished meanwhile
                }
                if (!real.startsWith(rootReal)) {
                    continue;
                }
                String name = entry.getFileName().toString();
                names.add(Files.isDirectory(real) ? name + "/" : name);
            }
        }
        names.sort(Comparator.comparing((String n) -> n.toLowerCase(Locale.ROOT))
                .thenComparing(Comparator.naturalOrder()));
        String title = "Directory listing for " + escape(requestPath);
        StringBuilder html = new StringBuilder(256 + names.size() * 64)
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(title).append("</title>\n</head>\n<body>\n<h1>").append(title).append("</h1>\n<hr>\n<ul>\n");
        for (String name : names) {
            html.append("<li><a href=\"").append(escape(link(name))).append("\">")
                    .append(escape(name)).append("</a></li>\n");
        }
        html.append("</ul>\n<hr>\n</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A relative link to one entry; a directory's trailing {@code /} stays a slash. */
    private static String link(String name) {
        return name.endsWith("/") ? WebPath.encode(name.substring(0, name.length() - 1)) + "/" : WebPath.encode(name);
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
