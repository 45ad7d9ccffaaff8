package io.websockify.config;

import io.websockify.target.Target;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one route: where its WebSocket paths are and how it picks a target. The default route reads
 * the top-level names ({@code websockify.path}, {@code websockify.target}, …); a named route {@code vnc} reads the
 * same names under {@code websockify.route.vnc.} ({@code websockify.route.vnc.path}, …).
 *
 * <p>Exactly one way to pick the target: a static {@code target}, a {@code unix-target}, a {@code token-plugin},
 * or {@code {host}} and {@code {port}} in the path together with {@code allow-hosts} and {@code allow-ports}.
 *
 * @param name        route name ({@code default} for the top-level one), for messages
 * @param prefix      setting-name prefix, e.g. {@code websockify.} or {@code websockify.route.vnc.}
 * @param paths       path templates
 * @param target      static target, or null
 * @param tokenPlugin token plugin name or class, or null
 * @param tokenSource token plugin source, or null
 * @param hostToken   take the token from the Host header
 * @param allowHosts  allowed hosts for direct routing ({@code {host}}/{@code {port}} in the path), or null
 * @param allowPorts  allowed ports for direct routing, or null
 */
public record RouteSettings(String name, String prefix, List<String> paths, Target target, String tokenPlugin,
                            String tokenSource, boolean hostToken, String allowHosts, String allowPorts) {

    public boolean direct() {
        return paths.stream().anyMatch(p -> p.contains("{host}") || p.contains("{port}"));
    }

    /** True when the top-level settings name a target, a plugin or a direct route. */
    static boolean present(Settings s, String prefix) {
        return s.value(prefix + "target").isPresent() || s.value(prefix + "unix-target").isPresent()
                || s.value(prefix + "token-plugin").isPresent() || s.value(prefix + "allow-hosts").isPresent();
    }

    /** The value as a path; a string the file system cannot name is a bad setting, not a crash. */
    static Path path(Settings.Value v) {
        try {
            return Path.of(v.raw());
        } catch (java.nio.file.InvalidPathException e) {
            throw v.invalid("not a valid path: " + e.getReason());
        }
    }

    static RouteSettings from(Settings s, String name, String prefix, String defaultPath) {
        List<String> paths = new ArrayList<>();
        Settings.Value pathValue = s.value(prefix + "path").orElse(null);
        if (pathValue == null) {
            if (defaultPath == null) {
                throw new SettingException("Missing setting " + prefix + "path (the WebSocket path of route '"
                        + name + "', e.g. /" + name + ")");
            }
            paths.add(defaultPath);
        } else {
            for (String p : pathValue.raw().split(",")) {
                String path = p.trim();
                if (path.isEmpty()) {
                    continue;
                }
                try {
                    PathTemplate.parse(path);
                } catch (IllegalArgumentException e) {
                    throw pathValue.invalid(e.getMessage());
                }
                if (paths.contains(path)) {
                    throw pathValue.invalid("path " + path + " is listed twice");
                }
                paths.add(path);
            }
            if (paths.isEmpty()) {
                throw pathValue.invalid("no path given");
            }
        }

        Target target = s.value(prefix + "target").map(v -> {
            try {
                return Target.parse(v.raw());
            } catch (IllegalArgumentException e) {
                throw v.invalid(e.getMessage() + " (expected host:port, [ipv6]:port or unix_socket:/path)");
            }
        }).orElse(null);
        Target unix = s.value(prefix + "unix-target").map(v -> (Target) new Target.Unix(path(v)))
                .orElse(null);
        String plugin = s.string(prefix + "token-plugin").orElse(null);
        String source = s.string(prefix + "token-source").orElse(null);
        boolean hostToken = s.bool(prefix + "host-token", false);
        String allowHosts = s.string(prefix + "allow-hosts").orElse(null);
        String allowPorts = s.string(prefix + "allow-ports").orElse(null);

        RouteSettings r = new RouteSettings(name, prefix, List.copyOf(paths), target != null ? target : unix,
                plugin, source, hostToken, allowHosts, allowPorts);
        int ways = (target != null ? 1 : 0) + (unix != null ? 1 : 0) + (plugin != null ? 1 : 0)
                + (r.direct() ? 1 : 0);
        String where = "route '" + name + "'";
        if (ways == 0) {
            throw new SettingException("Missing setting " + prefix + "target for " + where
                    + " (host:port of the TCP service, e.g. localhost:5900; or set " + prefix + "unix-target, "
                    + prefix + "token-plugin, or {host}/{port} in " + prefix + "path with " + prefix
                    + "allow-hosts; as context-param, environment variable " + Settings.envName(prefix + "target")
                    + " or system property)");
        }
        if (ways > 1) {
            throw new SettingException("Conflicting settings for " + where + ": give only one of " + prefix
                    + "target, " + prefix + "unix-target, " + prefix + "token-plugin, or {host}/{port} in "
                    + prefix + "path");
        }
        if (source != null && plugin == null) {
            throw new SettingException("Setting " + prefix + "token-source needs " + prefix + "token-plugin");
        }
        if (hostToken && plugin == null) {
            throw new SettingException("Setting " + prefix + "host-token needs " + prefix + "token-plugin");
        }
        if (r.direct()) {
            boolean both = paths.stream().allMatch(p -> p.contains("{host}") && p.contains("{port}"));
            if (!both) {
                throw new SettingException("Invalid setting " + prefix + "path for " + where
                        + ": every path of a direct route needs both {host} and {port}");
            }
            if (allowHosts == null || allowPorts == null) {
                throw new SettingException("Missing setting " + prefix + (allowHosts == null ? "allow-hosts" : "allow-ports")
                        + ": " + where + " takes {host} and {port} from the path and needs an allow-list "
                        + "(hosts, CIDR ranges, port ranges; '*' allows all explicitly)");
            }
        } else if (allowHosts != null || allowPorts != null) {
            throw new SettingException("Settings " + prefix + "allow-hosts/allow-ports apply only to a route with "
                    + "{host} and {port} in " + prefix + "path");
        }
        return r;
    }
}
