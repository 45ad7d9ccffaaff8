package io.websockify.target;

import io.websockify.config.HostPort;

import java.nio.file.Path;

/**
 * Where one session's bytes go: a TCP address or a Unix stream socket. Immutable.
 */
public sealed interface Target permits Target.Tcp, Target.Unix {

    /** For logs: {@code host:port} or {@code unix_socket:/path}. */
    String describe();

    /** A TCP target; the host may be a name (every resolved address is tried) or an IP literal. */
    record Tcp(HostPort address) implements Target {
        public Tcp(String host, int port) {
            this(new HostPort(host, port));
        }

        @Override
        public String describe() {
            return address.toString();
        }
    }

    /** A Unix stream socket, as upstream's {@code unix_socket:/path} targets and {@code --unix-target}. */
    record Unix(Path path) implements Target {
        @Override
        public String describe() {
            return "unix_socket:" + path;
        }
    }

    /**
     * Parses a target the way upstream's token files write them: {@code host:port} (split at the last colon,
     * brackets optional for IPv6) or {@code unix_socket:/path}.
     *
     * @throws IllegalArgumentException with a short reason when malformed
     */
    static Target parse(String spec) {
        String s = spec.trim();
        if (s.startsWith("unix_socket:")) {
            String p = s.substring("unix_socket:".length()).trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("unix_socket: needs a path");
            }
            if (p.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("control character in the socket path");
            }
            Path path = Path.of(p);
            // Path drops a trailing slash, which could leave white space at the end that a second parse would
            // trim: refuse it, so that a target always reads back as itself.
            if (!path.toString().equals(path.toString().strip())) {
                throw new IllegalArgumentException("white space at the end of the socket path");
            }
            return new Unix(path);
        }
        return new Tcp(HostPort.parseTarget(s));
    }
}
