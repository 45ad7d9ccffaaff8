package io.websockify.route;

import io.websockify.config.PathTemplate;
import io.websockify.config.ProxySettings;
import io.websockify.config.RouteSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * All routes of a deployment; finds the route of a request path. The first route is the default for upgrades on
 * paths no route has (when {@code websockify.any-path} is on). Thread-safe.
 */
public final class Router implements AutoCloseable {
    private final List<Route> routes;

    private Router(List<Route> routes) {
        this.routes = routes;
    }

    public static Router create(ProxySettings settings) {
        List<Route> list = new ArrayList<>();
        try {
            for (RouteSettings r : settings.routes()) {
                list.add(Route.create(r));
            }
        } catch (RuntimeException e) {
            list.forEach(Route::close);
            throw e;
        }
        return new Router(List.copyOf(list));
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * A route, the template that matched and its parameters. Log the template, not the path: a path parameter
     * may be a token.
     */
    public record Match(Route route, PathTemplate template, Map<String, String> params) {
    }

    /** The route for {@code path}, or null when no template matches. */
    public Match match(String path) {
        for (Route r : routes) {
            PathTemplate t = r.template(path);
            if (t != null) {
                return new Match(r, t, t.match(path));
            }
        }
        return null;
    }

    /** The route used for paths that match no template. */
    public Route fallback() {
        return routes.get(0);
    }

    @Override
    public void close() {
        routes.forEach(Route::close);
    }
}
