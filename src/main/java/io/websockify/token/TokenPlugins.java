package io.websockify.token;

import io.websockify.config.SettingException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the token plugin named by {@code websockify.token-plugin} with its {@code websockify.token-source}.
 *
 * <p>Names are upstream websockify's: {@code TokenFile}, {@code ReadOnlyTokenFile}, {@code TokenFileName},
 * {@code BaseTokenAPI}, {@code JSONTokenApi}, {@code JWTTokenApi}, {@code TokenRedis},
 * {@code UnixDomainSocketDirectory}, also in upstream's dotted form {@code websockify.token_plugins.TokenFile}.
 * Any other name is a fully qualified class name on the classpath implementing {@link TokenPlugin}, with a public
 * constructor taking the source ({@code String}) or a public no-argument constructor.
 *
 * <p>Every failure is a {@link SettingException} whose message names {@code websockify.token-plugin} or
 * {@code websockify.token-source} and says why, so start-up or deployment fails with something to fix.
 */
public final class TokenPlugins {
    static final String PLUGIN = "websockify.token-plugin";
    static final String SOURCE = "websockify.token-source";
    private static final String UPSTREAM_PREFIX = "websockify.token_plugins.";

    /** Built-in plugins by upstream name, with what their source must be (for the "missing source" message). */
    private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("TokenFile", "a token file or a directory of token files");
        BUILT_IN.put("ReadOnlyTokenFile", "a token file or a directory of token files");
        BUILT_IN.put("TokenFileName", "a directory");
        BUILT_IN.put("BaseTokenAPI", "a URL with one %s where the token goes");
        BUILT_IN.put("JSONTokenApi", "a URL with one %s where the token goes");
        BUILT_IN.put("JWTTokenApi", "a key file (PEM key or base64url secret)");
        BUILT_IN.put("TokenRedis", "host[:port[:db[:password[:namespace]]]] of a Redis server");
        BUILT_IN.put("UnixDomainSocketDirectory", "a directory");
    }

    /**
     * Only the chosen plugin's class is loaded: a plugin whose library is absent (the JOSE library, the Redis
     * client) does not break the others.
     */
    private static TokenPlugin construct(String name, String source) {
        return switch (name) {
            case "TokenFile" -> new TokenFile(source);
            case "ReadOnlyTokenFile" -> new ReadOnlyTokenFile(source);
            case "TokenFileName" -> new TokenFileName(source);
            case "BaseTokenAPI" -> new BaseTokenAPI(source);
            case "JSONTokenApi" -> new JSONTokenApi(source);
            case "JWTTokenApi" -> new JWTTokenApi(source);
            case "TokenRedis" -> new TokenRedis(source);
            case "UnixDomainSocketDirectory" -> new UnixDomainSocketDirectory(source);
            default -> throw new IllegalStateException("not a built-in plugin: " + name);
        };
    }

    private TokenPlugins() {
    }

    /**
     * @param name   built-in name or class name; required
     * @param source the plugin's source; may be null for a custom plugin with a no-argument constructor
     * @throws SettingException naming the setting at fault
     */
    public static TokenPlugin create(String name, String source) {
        if (name == null || name.isBlank()) {
            throw new SettingException("Missing setting " + PLUGIN + ": give a plugin name ("
                    + String.join(", ", BUILT_IN.keySet()) + ") or a class name");
        }
        String n = name.trim();
        String builtInName = n.startsWith(UPSTREAM_PREFIX) ? n.substring(UPSTREAM_PREFIX.length()) : n;
        String sourceIs = BUILT_IN.get(builtInName);
        if (sourceIs != null) {
            return createBuiltIn(builtInName, sourceIs, source);
        }
        if (n.startsWith(UPSTREAM_PREFIX)) {
            throw unknown(n);
        }
        return createCustom(n, source);
    }

    private static TokenPlugin createBuiltIn(String name, String sourceIs, String source) {
        if (source == null || source.isBlank()) {
            throw new SettingException("Missing setting " + SOURCE + ": " + PLUGIN + " " + name + " needs "
                    + sourceIs);
        }
        try {
            return construct(name, source);
        } catch (IllegalArgumentException e) {
            throw badSource(name, e);
        } catch (LinkageError e) {
            throw new SettingException("Invalid setting " + PLUGIN + ": " + name + " cannot be loaded (" + e
                    + "); is a library it needs missing from the classpath?", e);
        }
    }

    private static TokenPlugin createCustom(String className, String source) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw unknown(className);
        }
        if (!TokenPlugin.class.isAssignableFrom(type)) {
            throw new SettingException("Invalid setting " + PLUGIN + ": class " + className + " does not implement "
                    + TokenPlugin.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new SettingException("Invalid setting " + PLUGIN + ": class " + className + " is abstract");
        }
        Constructor<?> withSource = constructor(type, String.class);
        Constructor<?> noArg = constructor(type);
        try {
            if (withSource != null) {
                return (TokenPlugin) withSource.newInstance(source);
            }
            if (noArg == null) {
                throw new SettingException("Invalid setting " + PLUGIN + ": class " + className
                        + " needs a public constructor taking the source (String) or a public no-argument one");
            }
            if (source != null && !source.isBlank()) {
                throw new SettingException("Invalid setting " + SOURCE + ": " + PLUGIN + " " + className
                        + " takes no source (it has no constructor taking a String)");
            }
            return (TokenPlugin) noArg.newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw badSource(className, iae);
            }
            if (cause instanceof SettingException se) {
                throw se;
            }
            throw new SettingException("Invalid setting " + PLUGIN + ": " + className + " failed to start: " + cause,
                    cause);
        } catch (ReflectiveOperationException e) {
            throw new SettingException("Invalid setting " + PLUGIN + ": cannot create " + className + ": " + e, e);
        }
    }

    private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
        try {
            Constructor<?> c = type.getConstructor(parameters);
            return Modifier.isPublic(type.getModifiers()) ? c : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static ClassLoader loader() {
        // In a WAR the context loader is the webapp's, which sees WEB-INF/lib; fall back to ours elsewhere.
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TokenPlugins.class.getClassLoader();
    }

    private static SettingException unknown(String name) {
        return new SettingException("Invalid setting " + PLUGIN + ": unknown plugin '" + name
                + "' (built-in: " + String.join(", ", BUILT_IN.keySet())
                + "; or the class name of a TokenPlugin on the classpath)");
    }

    private static SettingException badSource(String plugin, IllegalArgumentException e) {
        // The source itself stays out of the message: a Redis source may carry a password.
        return new SettingException("Invalid setting " + SOURCE + " for " + PLUGIN + " " + plugin + ": "
                + e.getMessage(), e);
    }
}
