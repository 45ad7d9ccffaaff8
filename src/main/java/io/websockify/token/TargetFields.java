package io.websockify.token;

import io.websockify.target.Target;

/**
 * Builds a target from separate host and port values, as JSON answers and JWT claims carry them: the host a string
 * (IPv6 with or without brackets), the port a whole number or a string holding one. Stateless.
 */
final class TargetFields {
    private TargetFields() {
    }

    /**
     * @param allowUnix whether upstream's {@code host: "unix_socket", port: "/path"} form is accepted
     * @throws IllegalArgumentException with a short reason when a value is missing or malformed
     */
    static Target of(Object host, Object port, boolean allowUnix) {
        if (!(host instanceof String h) || h.isBlank()) {
            throw new IllegalArgumentException(host == null ? "no \"host\"" : "\"host\" is not a non-empty string");
        }
        if (port == null) {
            throw new IllegalArgumentException("no \"port\"");
        }
        String hostName = h.strip();
        if (hostName.startsWith("unix_socket:")) {
            throw new IllegalArgumentException("\"host\" is not a host name");
        }
        if (hostName.equals("unix_socket")) {
            if (allowUnix && port instanceof String path) {
                return Target.parse("unix_socket:" + path);
            }
            throw new IllegalArgumentException("unix_socket targets are not accepted here");
        }
        String p;
        if (port instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || d < 1 || d > 65535) {
                throw new IllegalArgumentException("\"port\" is not a port number");
            }
            p = String.valueOf((int) d);
        } else if (port instanceof String s) {
            p = s;
        } else {
            throw new IllegalArgumentException("\"port\" is neither a number nor a string");
        }
        return Target.parse(hostName + ":" + p);
    }
}
