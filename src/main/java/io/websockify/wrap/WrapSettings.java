package io.websockify.wrap;

import io.websockify.config.SettingException;
import io.websockify.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validated settings of a wrapped program. {@link #from(Settings)} reads them and throws
 * {@link SettingException} naming the first bad setting. Immutable.
 *
 * @param command     program and arguments, started directly without a shell ({@code websockify.wrap-command},
 *                    words quoted as {@link CommandLine} describes, e.g. {@code Xvnc :1 -rfbport 5901} or
 *                    {@code /opt/app/server --listen '127.0.0.1:{port}'})
 * @param mode        what happens when the program ends on its own ({@code websockify.wrap-mode}, default
 *                    {@code exit})
 * @param directory   working directory, or null for the server's own ({@code websockify.wrap-dir})
 * @param environment variables added to the inherited environment, in order ({@code websockify.wrap-env}, words
 *                    {@code NAME=value})
 * @param port        the TCP port the program listens on, which the port-moving library moves to a free loopback
 *                    port; 0 when not given ({@code websockify.wrap-port}; the standalone command sets it to its
 *                    own listen port)
 * @param stopTimeout grace between SIGTERM and SIGKILL when websockify stops the program
 *                    ({@code websockify.wrap-stop-timeout}, default 5 s)
 */
public record WrapSettings(
        List<String> command,
        WrapMode mode,
        Path directory,
        Map<String, String> environment,
        int port,
        Duration stopTimeout) {

    public static final String COMMAND = "websockify.wrap-command";
    public static final String MODE = "websockify.wrap-mode";
    public static final String DIR = "websockify.wrap-dir";
    public static final String ENV = "websockify.wrap-env";
    public static final String PORT = "websockify.wrap-port";
    public static final String STOP_TIMEOUT = "websockify.wrap-stop-timeout";

    /** Replaced, in arguments and {@code wrap-env} values, by the free loopback port the program should use. */
    public static final String PLACEHOLDER = "{port}";

    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final List<String> REQUIRE_COMMAND = List.of(MODE, DIR, ENV, PORT, STOP_TIMEOUT);

    public WrapSettings {
        command = List.copyOf(command);
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /**
     * The wrap settings, or empty when {@code websockify.wrap-command} is not set.
     *
     * @throws SettingException when a value is malformed, or another {@code websockify.wrap-*} setting is given
     *                          without a command
     */
    public static Optional<WrapSettings> from(Settings s) {
        Optional<Settings.Value> commandValue = s.value(COMMAND);
        if (commandValue.isEmpty()) {
            for (String name : REQUIRE_COMMAND) {
                s.value(name).ifPresent(v -> {
                    throw v.invalid("has no effect without " + COMMAND + " (the program to start)");
                });
            }
            return Optional.empty();
        }
        Settings.Value cv = commandValue.get();
        List<String> command;
        try {
            command = CommandLine.split(cv.raw());
        } catch (IllegalArgumentException e) {
            throw cv.invalid(e.getMessage());
        }
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw cv.invalid("no program given");
        }

        WrapMode mode = s.value(MODE).map(v -> {
            WrapMode m = WrapMode.parse(v.raw());
            if (m == null) {
                throw v.invalid("expected exit, ignore or respawn");
            }
            return m;
        }).orElse(WrapMode.EXIT);

        Path directory = s.value(DIR).map(v -> {
            Path p = Path.of(v.raw()).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw v.invalid("not a directory");
            }
            return p;
        }).orElse(null);

        Map<String, String> env = new LinkedHashMap<>();
        s.value(ENV).ifPresent(v -> {
            List<String> words;
            try {
                words = CommandLine.split(v.raw());
            } catch (IllegalArgumentException e) {
                throw v.invalid(e.getMessage());
            }
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq < 0) {
                    throw v.invalid("'" + w + "' is not NAME=value");
                }
                String name = w.substring(0, eq);
                if (!ENV_NAME.matcher(name).matches()) {
                    throw v.invalid("'" + name + "' is not a valid environment variable name");
                }
                env.put(name, w.substring(eq + 1));
            }
        });

        int port = s.integer(PORT, 0, 1, 65535);
        Duration stopTimeout = s.duration(STOP_TIMEOUT, DEFAULT_STOP_TIMEOUT);
        return Optional.of(new WrapSettings(command, mode, directory, env, port, stopTimeout));
    }

    /** True when the command or an environment value contains {@value #PLACEHOLDER}: no library is preloaded. */
    public boolean usesPlaceholder() {
        return command.stream().anyMatch(a -> a.contains(PLACEHOLDER))
                || environment.values().stream().anyMatch(a -> a.contains(PLACEHOLDER));
    }

    /**
     * True when websockify gives the program a free loopback port (by {@value #PLACEHOLDER} or by moving
     * {@link #port()}), which then becomes the proxy's target.
     */
    public boolean movesPort() {
        return usesPlaceholder() || port != 0;
    }

    /** The program's name for log lines: the last path element of the command. */
    public String programName() {
        String p = command.get(0);
        int slash = p.lastIndexOf('/');
        return slash >= 0 && slash < p.length() - 1 ? p.substring(slash + 1) : p;
    }
}
