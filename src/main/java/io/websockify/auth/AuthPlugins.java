package io.websockify.auth;

import io.websockify.config.Access;
import io.websockify.config.SettingException;

/** Creates auth plugins by upstream's names, or by class name. */
public final class AuthPlugins {
    private AuthPlugins() {
    }

    public static AuthPlugin create(String name, String source) {
        String n = name.startsWith("websockify.auth_plugins.") ? name.substring("websockify.auth_plugins.".length()) : name;
        try {
            return switch (n) {
                case "BasicHTTPAuth" -> new BasicHttpAuth(source);
                case "ExpectOrigin" -> new ExpectOrigin(source);
                case "ClientCertCNAuth" -> new ClientCertCnAuth(source);
                default -> byClass(n, source);
            };
        } catch (IllegalArgumentException e) {
            throw new SettingException("Invalid setting " + Access.AUTH_SOURCE + " for " + n + ": " + e.getMessage());
        }
    }

    private static AuthPlugin byClass(String name, String source) {
        Class<?> c;
        try {
            c = Class.forName(name, true, AuthPlugins.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new SettingException("Invalid setting " + Access.AUTH_PLUGIN + ": unknown plugin '" + name
                    + "' (built in: BasicHTTPAuth, ExpectOrigin, ClientCertCNAuth, or a class name)");
        }
        if (!AuthPlugin.class.isAssignableFrom(c)) {
            throw new SettingException("Invalid setting " + Access.AUTH_PLUGIN + ": " + name + " does not implement "
                    + AuthPlugin.class.getName());
        }
        try {
            try {
                return (AuthPlugin) c.getConstructor(String.class).newInstance(source);
            } catch (NoSuchMethodException e) {
                return (AuthPlugin) c.getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SettingException("Invalid setting " + Access.AUTH_PLUGIN + ": cannot create " + name + ": "
                    + cause.getMessage(), cause);
        }
    }
}
