package io.websockify.standalone;

import io.websockify.config.ProxySettings;
import io.websockify.config.Settings;

import java.util.List;
import java.util.Optional;

/**
 * The one table of the standalone command's options. To add an option, add an entry here: the parser, the help
 * text and the mapping to a setting all follow from it.
 */
final class Options {
    static final String PROGRAM = "websockify";

    private static final int HELP_COLUMN = 26;

    static final Option HELP = new Option("help", "h", null, null, "show this help message and exit", false);

    /** Every option, in the order the help text lists them. */
    static final List<Option> ALL = List.of(
            HELP,
            Option.flag("verbose", "verbose messages: log every connection and close, and the container's "
                    + "start-up").withShort("v"),
            Option.value("web", "DIR", "serve the files of DIR on the same port (a plain GET without it "
                    + "answers 405)"),
            Option.flag("file-only", "with --web: no directory listings (a directory without index.html is "
                    + "404)"),
            Option.flag("novnc", "serve the bundled noVNC client on the same port (open /vnc.html)"),
            Option.value("path", "PATH", "WebSocket path(s), comma-separated, e.g. /websockify or /vnc/{token}; "
                    + "an upgrade on any other path reaches the proxy too (default /websockify)"),

            Option.value("unix-target", "FILE", "connect to this Unix socket instead of target_addr:target_port")
                    .replacingTarget(),
            Option.value("token-plugin", "CLASS", "pick each session's target by its token with this plugin "
                    + "(no target_addr:target_port then)").replacingTarget(),
            Option.value("token-source", "ARG", "the token plugin's source (a file, directory, URL, ...)"),
            Option.flag("host-token", "take the token from the Host header instead of the token query "
                    + "parameter"),
            Option.value("allow-hosts", "LIST", "with {host} and {port} in --path: the hosts and CIDR ranges a "
                    + "client may connect to (no target_addr:target_port then)").replacingTarget(),
            Option.value("allow-ports", "LIST", "with {host} and {port} in --path: the ports and port ranges a "
                    + "client may connect to"),
            Option.value("routes", "NAMES", "named routes, comma-separated, each configured by the settings "
                    + "websockify.route.NAME.* (no target_addr:target_port then)").replacingTarget(),

            Option.value("connect-timeout", "DURATION", "time allowed to connect to the target, e.g. 10, "
                    + "2.5s, 500ms (default 10s)"),
            Option.value("send-timeout", "DURATION", "close a session when one message to the client takes "
                    + "longer (default 0 = no limit)"),
            Option.flag("permessage-deflate", "accept permessage-deflate compression when the client offers "
                    + "it (default off: VNC data is already compressed)"),
            Option.value("buffer-size", "BYTES", "largest read from the target, hence largest message to the "
                    + "client (default " + ProxySettings.DEFAULT_BUFFER_SIZE + ")"),
            Option.value("io-threads", "N", "threads waiting for target sockets and plain client connections "
                    + "(default 0 = one per processor)"),
            Option.flag("ssl-target", "connect to TCP targets over TLS, verifying their certificate and host "
                    + "name (Unix-socket targets stay plain)"),
            Option.value("ssl-target-trust", "FILE", "with --ssl-target: PEM file of CA certificates, or a "
                    + "PKCS12/JKS trust store, to verify targets with (default: the JDK's trust store; a store's "
                    + "password comes from WEBSOCKIFY_SSL_TARGET_TRUST_PASSWORD)"),
            Option.flag("ssl-target-insecure", "with --ssl-target: verify nothing, for self-signed test targets "
                    + "only (logged as a warning)"),

            Option.value("allowed-origins", "LIST", "origins whose pages may connect: same-origin "
                    + "(default), exact origins such as https://portal.example.com, or *"),
            Option.value("allowed-roles", "LIST", "container roles of which a user needs one"),
            Option.value("auth-plugin", "CLASS", "authentication plugin (BasicHTTPAuth, ExpectOrigin, "
                    + "ClientCertCNAuth or a class name)"),
            Option.value("auth-source", "ARG", "the authentication plugin's source"),
            Option.flag("web-auth", "the authentication plugin and roles also guard the files of --web"),

            Option.value("cert", "FILE", "PEM certificate chain, server certificate first; may also hold the key. "
                    + "TLS (wss://, https://) is on when the file exists (default: self.pem in the working "
                    + "directory)"),
            Option.value("key", "FILE", "PEM private key, when it is not in --cert"),
            Option.value("key-password-file", "FILE", "read the password of an encrypted key from the first line "
                    + "of FILE (or set the environment variable " + Settings.envName(TlsSettings.KEY_PASSWORD)
                    + "; there is no --key-password: ps would show it)"),
            Option.flag("ssl-only", "refuse connections without TLS (closed without an answer)"),
            Option.flag("verify-client", "require a client certificate on TLS connections, issued by a CA of "
                    + "--cafile (default: the JDK's CAs)"),
            Option.value("cafile", "FILE", "with --verify-client: PEM certificates of the CAs to trust"),
            Option.value("ssl-version", "VERSION", "lowest TLS version: tlsv1_1, tlsv1_2 or tlsv1_3 (default: "
                    + "TLS 1.2)"),
            Option.value("ssl-ciphers", "LIST", "TLS 1.2 cipher suites, OpenSSL syntax (HIGH:!aNULL) or Java "
                    + "names, separated by colons or commas (TLS 1.3 suites are not affected)"),

            Option.value("max-sessions", "N", "open sessions in total; more get HTTP 503 (default 10000)"),
            Option.value("max-sessions-per-client", "N", "open sessions per client address (default 256)"),
            Option.value("session-idle-timeout", "DURATION", "close a session without traffic for this long "
                    + "(default 0 = never)"),
            Option.value("heartbeat", "SECONDS", "ping every client this often, and close it when a ping stays "
                    + "unanswered (default 0 = off)"),
            Option.value("max-message-size", "BYTES", "largest message a client may send; a larger one closes "
                    + "the session with 1009 (default 16 MiB)"),
            Option.value("handshake-timeout", "DURATION", "close a connection whose request stalls (no byte) this long "
                    + "before the upgrade (default 10s)"),

            Option.value("wrap-mode", "MODE", "with -- PROGRAM: exit (default; exit with the program's status), "
                    + "ignore, or respawn"),
            Option.value("wrap-port", "PORT", "with -- PROGRAM: the port whose bind() is moved (default: the "
                    + "listen port)"),
            Option.value("wrap-dir", "DIR", "with -- PROGRAM: its working directory"),
            Option.value("wrap-env", "LIST", "with -- PROGRAM: NAME=value words added to its environment"),
            Option.value("wrap-stop-timeout", "DURATION", "with -- PROGRAM: SIGKILL this long after SIGTERM "
                    + "(default 5s)"));

    private Options() {
    }

    /**
     * Options we do not take although upstream has them, with the reason: {@code --key-password} would show the
     * password to every local user through ps.
     */
    static Optional<String> refused(String name) {
        if (name.equals("key-password")) {
            return Optional.of("--key-password is not accepted: other users can read the command line (ps); "
                    + TlsSettings.SAFE_PASSWORD_WAYS);
        }
        return Optional.empty();
    }

    /** The option called {@code --name}, if any. */
    static Optional<Option> byName(String name) {
        return ALL.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** The option called {@code -letter}, if any. */
    static Optional<Option> byShortName(String letter) {
        return ALL.stream().filter(o -> letter.equals(o.shortName())).findFirst();
    }

    /** The usage lines printed with every usage error. */
    static String usage() {
        return "Usage: " + PROGRAM + " [options] [source_addr:]source_port target_addr:target_port\n"
                + "       " + PROGRAM + " [options] --token-plugin=CLASS [source_addr:]source_port\n"
                + "       " + PROGRAM + " [options] --unix-target=FILE [source_addr:]source_port\n"
                + "       " + PROGRAM + " [options] [source_addr:]source_port -- PROGRAM ARGS...\n";
    }

    /** The full help text for {@code --help}. */
    static String help() {
        StringBuilder sb = new StringBuilder(usage());
        sb.append("\nA WebSockets-to-TCP bridge: accepts WebSocket connections on\n")
                .append("source_addr:source_port (all interfaces when source_addr is left out;\n")
                .append("[::1]:6080 for IPv6) and relays each one to a new TCP connection to\n")
                .append("target_addr:target_port, the Unix socket of --unix-target, or the target a\n")
                .append("--token-plugin finds for the session's token.\n")
                .append("\nEvery option --NAME is also the setting websockify.NAME (system property) or\n")
                .append("WEBSOCKIFY_NAME (environment variable); the command line wins.\n")
                .append("\nOptions:\n");
        for (Option o : ALL) {
            String synopsis = "  " + o.synopsis();
            sb.append(synopsis);
            int column = synopsis.length();
            if (column > HELP_COLUMN - 2) {
                sb.append('\n');
                column = 0;
            }
            // Words wrapped at 79 columns, hanging under the help column.
            for (String word : o.help().split(" ")) {
                if (column > HELP_COLUMN && column + 1 + word.length() > 79) {
                    sb.append('\n');
                    column = 0;
                }
                if (column < HELP_COLUMN) {
                    sb.append(" ".repeat(HELP_COLUMN - column));
                    column = HELP_COLUMN;
                } else {
                    sb.append(' ');
                    column++;
                }
                sb.append(word);
                column += word.length();
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
