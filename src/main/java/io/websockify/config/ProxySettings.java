package io.websockify.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed, validated settings of one proxy deployment. Built once at start-up by {@link #from(Settings)}, which
 * throws {@link SettingException} naming the first bad setting.
 *
 * @param routes           the routes: the default one from the top-level settings ({@code websockify.path},
 *                         {@code websockify.target}, …) and the named ones listed in {@code websockify.routes}
 * @param anyPath          accept an upgrade on every path, as upstream does ({@code websockify.any-path}); the
 *                         standalone command turns it on
 * @param connectTimeout   time allowed to connect to the target ({@code websockify.connect-timeout})
 * @param sendTimeout      time a single message to the client may take before the session is closed, zero for
 *                         none ({@code websockify.send-timeout})
 * @param permessageDeflate accept permessage-deflate when the client offers it ({@code websockify.permessage-deflate})
 * @param bufferSize       largest read from the target, hence largest message to the client
 *                         ({@code websockify.buffer-size})
 * @param verbose          log every connection and close at INFO ({@code websockify.verbose})
 * @param web              directory served as static files, or null ({@code websockify.web})
 * @param fileOnly         no directory listings under {@code web} ({@code websockify.file-only})
 * @param ioThreads        socket I/O threads (targets, plain client connections of the built-in engine); 0 = number
 *                         of processors ({@code websockify.io-threads})
 * @param novnc            serve the bundled noVNC page's helpers (its route config, caching headers)
 *                         ({@code websockify.novnc}; default on in a WAR, off in the standalone command, whose
 *                         {@code --novnc} turns it on)
 * @param limits           session limits and timeouts
 * @param access           origin, role and auth-plugin checks
 * @param engine           the WebSocket implementation ({@code websockify.engine})
 */
public record ProxySettings(
        List<RouteSettings> routes,
        boolean anyPath,
        Duration connectTimeout,
        Duration sendTimeout,
        boolean permessageDeflate,
        int bufferSize,
        boolean verbose,
        Path web,
        boolean fileOnly,
        int ioThreads,
        boolean novnc,
        Limits limits,
        Access access,
        Engine engine) {

    public static final String TARGET = "websockify.target";
    public static final String PATH = "websockify.path";
    public static final String ROUTES = "websockify.routes";
    public static final String ANY_PATH = "websockify.any-path";
    public static final String CONNECT_TIMEOUT = "websockify.connect-timeout";
    public static final String SEND_TIMEOUT = "websockify.send-timeout";
    public static final String PERMESSAGE_DEFLATE = "websockify.permessage-deflate";
    public static final String BUFFER_SIZE = "websockify.buffer-size";
    public static final String VERBOSE = "websockify.verbose";
    public static final String WEB = "websockify.web";
    public static final String FILE_ONLY = "websockify.file-only";
    public static final String IO_THREADS = "websockify.io-threads";
    public static final String NOVNC = "websockify.novnc";

    public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

    /** Every path of every route, in order. */
    public List<String> paths() {
        return routes.stream().flatMap(r -> r.paths().stream()).toList();
    }

    public static ProxySettings from(Settings s) {
        List<RouteSettings> routes = new ArrayList<>();
        Settings.Value named = s.value(ROUTES).orElse(null);
        if (RouteSettings.present(s, Settings.PREFIX) || named == null) {
            routes.add(RouteSettings.from(s, "default", Settings.PREFIX, "/websockify"));
        }
        if (named != null) {
            for (String n : named.raw().split(",")) {
                String name = n.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw named.invalid("route name '" + name + "' may use letters, digits, _ and - only");
                }
                if (routes.stream().anyMatch(r -> r.name().equals(name))) {
                    throw named.invalid("route '" + name + "' is listed twice");
                }
                routes.add(RouteSettings.from(s, name, "websockify.route." + name + ".", null));
            }
            if (routes.isEmpty()) {
                throw named.invalid("names no route (route names separated by commas)");
            }
        }
        List<String> seen = new ArrayList<>();
        for (RouteSettings r : routes) {
            for (String p : r.paths()) {
                if (seen.contains(p)) {
                    throw new SettingException("Path " + p + " is used by two routes (setting " + r.prefix()
                            + "path)");
                }
                seen.add(p);
            }
        }

        Duration connectTimeout = s.duration(CONNECT_TIMEOUT, Duration.ofSeconds(10));
        if (connectTimeout.isZero()) {
            throw s.value(CONNECT_TIMEOUT).orElseThrow().invalid("must be greater than zero");
        }
        Path web = s.value(WEB).map(v -> {
            Path p = RouteSettings.path(v).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw v.invalid("not a directory");
            }
            return p;
        }).orElse(null);

        boolean deflate = s.bool(PERMESSAGE_DEFLATE, false);
        return new ProxySettings(
                List.copyOf(routes),
                s.bool(ANY_PATH, false),
                connectTimeout,
                s.duration(SEND_TIMEOUT, Duration.ZERO),
                deflate,
                s.integer(BUFFER_SIZE, DEFAULT_BUFFER_SIZE, 1024, 16 * 1024 * 1024),
                s.bool(VERBOSE, false),
                web,
                s.bool(FILE_ONLY, false),
                s.integer(IO_THREADS, 0, 0, 1024),
                s.bool(NOVNC, !s.bool(ANY_PATH, false)),
                Limits.from(s),
                Access.from(s),
                Engine.from(s, deflate));
    }
}
