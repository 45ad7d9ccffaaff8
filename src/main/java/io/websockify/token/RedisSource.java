package io.websockify.token;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TokenRedis}'s source, {@code host[:port[:db[:password[:namespace]]]]}, parsed as upstream 0.13 parses it:
 * fields are separated by colons; a field written in double quotes ({@code "a:b"}, at least one character inside)
 * may contain colons; empty fields take the defaults (port 6379, database 0, no password, no namespace).
 *
 * @param host      Redis host name or IP address (IPv6 without brackets, given quoted)
 * @param port      TCP port
 * @param database  database number for {@code SELECT}
 * @param password  for {@code AUTH}, or null
 * @param namespace key prefix (the key is {@code namespace:token}), or null
 */
record RedisSource(String host, int port, int database, String password, String namespace) {

    /** Never shows the password. */
    @Override
    public String toString() {
        return host + ":" + port + " db " + database + (password != null ? " with password" : "")
                + (namespace != null ? " namespace " + namespace : "");
    }

    /** @throws IllegalArgumentException naming the expected form when the source does not fit it */
    static RedisSource parse(String source) {
        List<String> f = fields(source.strip());
        if (f.size() > 5) {
            throw malformed("more than 5 fields");
        }
        String host = f.get(0);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank()) {
            throw malformed("the host is missing");
        }
        int port = number(f, 1, 6379, "port");
        if (port < 1 || port > 65535) {
            throw malformed("the port must be between 1 and 65535");
        }
        int database = number(f, 2, 0, "database");
        String password = f.size() > 3 && !f.get(3).isEmpty() ? f.get(3) : null;
        String namespace = f.size() > 4 && !f.get(4).isEmpty() ? f.get(4) : null;
        return new RedisSource(host, port, database, password, namespace);
    }

    /** The key holding the token's target. */
    String key(String token) {
        return namespace == null ? token : namespace + ":" + token;
    }

    private static int number(List<String> fields, int index, int fallback, String what) {
        if (fields.size() <= index || fields.get(index).isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(fields.get(index).strip());
            if (n < 0) {
                throw malformed("the " + what + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw malformed("the " + what + " is not a number");
        }
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException(why + "; expected host[:port[:db[:password[:namespace]]]]"
                + " (quote a field containing ':' in double quotes)");
    }

    /**
     * Splits at colons, except inside a field that starts with {@code "} right after the start or a colon and ends
     * with {@code "} right before a colon or the end, with at least one character and no {@code "} in between.
     * Anything else (a lone or unbalanced quote) is kept as written: {@code "a:b} gives {@code "a} and {@code b}.
     */
    static List<String> fields(String s) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int close = s.startsWith("\"", at) ? s.indexOf('"', at + 1) : -1;
            int end;
            if (close > at + 1 && (close + 1 == s.length() || s.charAt(close + 1) == ':')) {
                out.add(s.substring(at + 1, close));
                end = close + 1;
            } else {
                int colon = s.indexOf(':', at);
                end = colon < 0 ? s.length() : colon;
                out.add(s.substring(at, end));
            }
            if (end == s.length()) {
                return out;
            }
            at = end + 1;
        }
    }
}
