package io.websockify.route;

import io.websockify.config.PathTemplate;
import io.websockify.config.RouteSettings;
import io.websockify.config.SettingException;
import io.websockify.target.Target;
import io.websockify.token.TokenLookupException;
import io.websockify.token.TokenPlugin;
import io.websockify.token.TokenPlugins;
import io.websockify.token.TokenRequest;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One route: its path templates and how it picks the target of a connection (static, token plugin, or
 * allow-listed direct host and port). Thread-safe; {@link #resolve} runs on container threads before the upgrade
 * and may block as long as the token plugin does.
 */
public final class Route implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Route.class.getName());

    private final RouteSettings settings;
    private final List<PathTemplate> templates;
    private final Target staticTarget;
    private final TokenPlugin plugin;
    private final AllowList allow;

    private Route(RouteSettings settings, TokenPlugin plugin, AllowList allow) {
        this.settings = settings;
        this.templates = settings.paths().stream().map(PathTemplate::parse).toList();
        this.staticTarget = settings.target();
        this.plugin = plugin;
        this.allow = allow;
    }

    /** Builds the route, creating its token plugin; a bad plugin setting throws {@link SettingException}. */
    public static Route create(RouteSettings s) {
        TokenPlugin plugin = null;
        if (s.tokenPlugin() != null) {
            try {
                plugin = TokenPlugins.create(s.tokenPlugin(), s.tokenSource());
            } catch (SettingException e) {
                throw new SettingException(e.getMessage().replace("websockify.token-", s.prefix() + "token-"), e);
            }
        }
        AllowList allow = null;
        if (s.direct()) {
            try {
                allow = AllowList.parse(s.allowHosts(), s.allowPorts());
            } catch (IllegalArgumentException e) {
                throw new SettingException("Invalid setting " + s.prefix() + "allow-hosts/" + s.prefix()
                        + "allow-ports: " + e.getMessage());
            }
        }
        return new Route(s, plugin, allow);
    }

    public RouteSettings settings() {
        return settings;
    }

    public List<PathTemplate> templates() {
        return templates;
    }

    /** The first template matching {@code path}, or null. */
    public PathTemplate template(String path) {
        for (PathTemplate t : templates) {
            if (t.match(path) != null) {
                return t;
            }
        }
        return null;
    }

    public RouteOutcome resolve(ConnectionRequest r) {
        if (staticTarget != null) {
            return new RouteOutcome.Resolved(staticTarget, null);
        }
        if (plugin != null) {
            return byToken(r);
        }
        return direct(r);
    }

    private RouteOutcome byToken(ConnectionRequest r) {
        String token = TokenExtractor.token(r, settings.hostToken());
        if (token == null) {
            return new RouteOutcome.Refused(404, "Token not present", "no token in the request");
        }
        String label = TokenExtractor.redact(token);
        try {
            Optional<Target> t = plugin.lookup(new TokenRequest(token, r.user(), r.client()));
            if (t.isEmpty()) {
                return new RouteOutcome.Refused(404, "Unknown token", "token " + label + " not found");
            }
            return new RouteOutcome.Resolved(t.get(), label);
        } catch (TokenLookupException e) {
            LOG.log(Level.WARNING, "route {0}: token source failed for token {1}: {2}", settings.name(), label,
                    e.getMessage());
            return new RouteOutcome.Refused(503, "Token source unavailable", "token source failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "route " + settings.name() + ": token plugin failed for token " + label, e);
            return new RouteOutcome.Refused(503, "Token source unavailable", "token plugin error: " + e);
        }
    }

    private RouteOutcome direct(ConnectionRequest r) {
        String host = r.pathParams().get("host");
        String portText = r.pathParams().get("port");
        if (host == null || portText == null) {
            return new RouteOutcome.Refused(400, "Missing host or port", "missing {host} or {port}");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return new RouteOutcome.Refused(400, "Invalid port", "invalid port in path");
        }
        if (port < 1 || port > 65535 || host.isEmpty() || !host.matches("[A-Za-z0-9.:%_-]+")) {
            return new RouteOutcome.Refused(400, "Invalid host or port", "invalid host or port in path");
        }
        RouteOutcome.Refused forbidden = new RouteOutcome.Refused(403, "Target not allowed",
                "target " + host + ":" + port + " is outside the allow-list");
        if (!allow.allowsPort(port)) {
            return forbidden;
        }
        if (AllowList.isIpLiteral(host)) {
            InetAddress a;
            try {
                a = AllowList.literal(host);
            } catch (IllegalArgumentException e) {
                return new RouteOutcome.Refused(400, "Invalid host", "invalid host in path");
            }
            return allow.allowsAddress(a) ? new RouteOutcome.Resolved(new Target.Tcp(a.getHostAddress(), port), null)
                    : forbidden;
        }
        if (allow.allowsName(host)) {
            return new RouteOutcome.Resolved(new Target.Tcp(host, port), null);
        }
        try {
            // Connect to an address that was checked, not to the name: a second look-up could answer differently.
            Optional<InetAddress> ok = Arrays.stream(InetAddress.getAllByName(host)).filter(allow::allowsAddress)
                    .findFirst();
            return ok.<RouteOutcome>map(a -> new RouteOutcome.Resolved(new Target.Tcp(a.getHostAddress(), port), null))
                    .orElse(forbidden);
        } catch (UnknownHostException e) {
            return forbidden;
        }
    }

    @Override
    public void close() {
        if (plugin != null) {
            try {
                plugin.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the token plugin of route " + settings.name() + " failed", e);
            }
        }
    }
}
