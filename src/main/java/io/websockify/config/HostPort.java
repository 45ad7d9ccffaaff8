package io.websockify.config;

/**
 * A host and a TCP port as written on upstream websockify's command line: {@code host:port}, split at the last
 * colon, with optional brackets around an IPv6 literal ({@code [::1]:5900} and {@code ::1:5900} are the same).
 *
 * @param host host name or IP literal without brackets; empty means "no host given"
 * @param port 0..65535 (0 only where a caller allows it)
 */
public record HostPort(String host, int port) {

    /** Parses {@code [host:]port} (listen spec): no host means all interfaces and gives an empty host. */
    public static HostPort parseListen(String spec) {
        String s = spec.trim();
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? "" : stripBrackets(s.substring(0, colon));
        String port = colon < 0 ? s : s.substring(colon + 1);
        return new HostPort(host, parsePort(port, "listen port"));
    }

    /** Parses {@code host:port} (target spec); the host is required. */
    public static HostPort parseTarget(String spec) {
        String s = spec.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port");
        }
        String host = stripBrackets(s.substring(0, colon));
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in host:port");
        }
        if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("invalid host '" + host + "'");
        }
        int port = parsePort(s.substring(colon + 1), "target port");
        if (port == 0) {
            throw new IllegalArgumentException("target port must be between 1 and 65535");
        }
        return new HostPort(host, port);
    }

    private static String stripBrackets(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            return h.substring(1, h.length() - 1);
        }
        return h;
    }

    private static int parsePort(String text, String what) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(what + " must be between 0 and 65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Error parsing " + what + " '" + text.trim() + "'");
        }
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
