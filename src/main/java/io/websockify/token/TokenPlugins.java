package io.websockify.token;

import io.websockify.config.SettingException;

/** Creates token plugins by name. (Stub until the plugins land; only class names work.) */
public final class TokenPlugins {
    private TokenPlugins() {
    }

    public static TokenPlugin create(String name, String source) {
        try {
            Class<?> c = Class.forName(name, true, TokenPlugins.class.getClassLoader());
            if (!TokenPlugin.class.isAssignableFrom(c)) {
                throw new SettingException("Invalid setting websockify.token-plugin: " + name + " does not implement "
                        + TokenPlugin.class.getName());
            }
            try {
                return (TokenPlugin) c.getConstructor(String.class).newInstance(source);
            } catch (NoSuchMethodException e) {
                return (TokenPlugin) c.getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException e) {
            throw new SettingException("Invalid setting websockify.token-plugin: unknown plugin " + name, e);
        }
    }
}
