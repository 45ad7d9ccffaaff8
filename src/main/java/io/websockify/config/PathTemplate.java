package io.websockify.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A WebSocket route path as the Jakarta WebSocket API understands it: segments separated by {@code /}, where a
 * segment {@code {name}} matches exactly one non-empty segment. Parsed here so that a bad path fails start-up with
 * a clear message instead of a container-specific deployment error, and so our handshake gate can tell which
 * requests are ours.
 */
public final class PathTemplate {
    private final String text;
    private final List<String> segments;

    private PathTemplate(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    public static PathTemplate parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("path '" + text + "' must start with /");
        }
        if (text.contains("?") || text.contains("#") || text.contains("*") || text.contains("//")) {
            throw new IllegalArgumentException("path '" + text + "' may not contain ?, #, * or //");
        }
        List<String> segs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String seg : text.substring(1).split("/", -1)) {
            if (seg.isEmpty()) {
                if (text.equals("/")) {
                    break;
                }
                throw new IllegalArgumentException("path '" + text + "' has an empty segment");
            }
            if (seg.startsWith("{") || seg.endsWith("}") || seg.contains("{") || seg.contains("}")) {
                if (!(seg.startsWith("{") && seg.endsWith("}")) || seg.length() < 3
                        || !seg.substring(1, seg.length() - 1).matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                    throw new IllegalArgumentException("path '" + text + "': a parameter must be a whole segment such as {token}");
                }
                if (!names.add(seg)) {
                    throw new IllegalArgumentException("path '" + text + "' repeats parameter " + seg);
                }
            }
            segs.add(seg);
        }
        return new PathTemplate(text, List.copyOf(segs));
    }

    /** Matches a request path (servlet path + path info, already decoded); returns parameters or null. */
    public Map<String, String> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String[] parts = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String seg = segments.get(i);
            if (seg.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(seg.substring(1, seg.length() - 1), parts[i]);
            } else if (!seg.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    @Override
    public String toString() {
        return text;
    }
}
