package io.websockify.config;

import java.util.List;

/**
 * Who may open a session.
 *
 * @param allowedOrigins exact origins ({@code https://portal.example.com}), {@code same-origin} or {@code *}
 *                       ({@code websockify.allowed-origins}, default {@code same-origin})
 * @param allowedRoles   container roles of which the user needs one, empty for no check
 *                       ({@code websockify.allowed-roles})
 * @param authPlugin     upstream-style auth plugin name or class, or null ({@code websockify.auth-plugin})
 * @param authSource     its source string, or null ({@code websockify.auth-source})
 * @param webAuth        the auth plugin and roles also guard plain HTTP requests (static files)
 *                       ({@code websockify.web-auth})
 */
public record Access(List<String> allowedOrigins, List<String> allowedRoles, String authPlugin, String authSource,
                     boolean webAuth) {

    public static final String ALLOWED_ORIGINS = "websockify.allowed-origins";
    public static final String ALLOWED_ROLES = "websockify.allowed-roles";
    public static final String AUTH_PLUGIN = "websockify.auth-plugin";
    public static final String AUTH_SOURCE = "websockify.auth-source";
    public static final String WEB_AUTH = "websockify.web-auth";
    public static final String SAME_ORIGIN = "same-origin";

    static Access from(Settings s) {
        List<String> origins = s.value(ALLOWED_ORIGINS).map(v -> {
            List<String> list = List.of(v.raw().trim().split("[,\\s]+"));
            for (String o : list) {
                if (!o.equals("*") && !o.equals(SAME_ORIGIN) && !o.matches("(?i)[a-z][a-z0-9+.-]*://[^/\\s]+")
                        && !o.equals("null")) {
                    throw v.invalid("'" + o + "' is not an origin such as https://host[:port], " + SAME_ORIGIN
                            + " or *");
                }
            }
            return list;
        }).orElse(List.of(SAME_ORIGIN));
        List<String> roles = s.value(ALLOWED_ROLES).map(v -> List.of(v.raw().trim().split("[,\\s]+")))
                .orElse(List.of());
        String plugin = s.string(AUTH_PLUGIN).orElse(null);
        String source = s.string(AUTH_SOURCE).orElse(null);
        boolean webAuth = s.bool(WEB_AUTH, false);
        if (source != null && plugin == null) {
            throw new SettingException("Setting " + AUTH_SOURCE + " needs " + AUTH_PLUGIN);
        }
        if (webAuth && plugin == null && roles.isEmpty()) {
            throw new SettingException("Setting " + WEB_AUTH + " needs " + AUTH_PLUGIN + " or " + ALLOWED_ROLES);
        }
        return new Access(origins, roles, plugin, source, webAuth);
    }
}
