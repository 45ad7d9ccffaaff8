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
            return new Unix(Path.of(p));
        }
        return new Tcp(HostPort.parseTarget(s));
    }
}
