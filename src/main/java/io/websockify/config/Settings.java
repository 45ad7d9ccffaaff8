package io.websockify.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings by their one name from every source, highest precedence first: Java system property
 * ({@code websockify.target}), environment variable ({@code WEBSOCKIFY_TARGET}), servlet context-param
 * ({@code websockify.target}). The standalone launcher turns its command-line options into system properties, so
 * the command line wins there.
 *
 * <p>Typed getters throw {@link SettingException} naming the setting and its source when a value is malformed.
 * Instances are immutable and thread-safe.
 */
public final class Settings {

    /** One place a value can come from. */
    public interface Source {
        /** Returns the raw value for the setting {@code name} (for example {@code websockify.target}), or null. */
        String get(String name);

        /** Describes where {@code name} is read in this source, for error messages. */
        String describe(String name);
    }

    public static final String PREFIX = "websockify.";

    private final List<Source> sources;

    private Settings(List<Source> sources) {
        this.sources = List.copyOf(sources);
    }

    /** Settings from system properties, the environment and the given context-params, in that order. */
    public static Settings standard(Function<String, String> contextParams) {
        List<Source> list = new ArrayList<>();
        list.add(new Source() {
            @Override public String get(String name) { return System.getProperty(name); }
            @Override public String describe(String name) { return "system property " + name; }
        });
        Map<String, String> env = System.getenv();
        list.add(new Source() {
            @Override public String get(String name) { return env.get(envName(name)); }
            @Override public String describe(String name) { return "environment variable " + envName(name); }
        });
        list.add(new Source() {
            @Override public String get(String name) { return contextParams.apply(name); }
            @Override public String describe(String name) { return "context-param " + name; }
        });
        return new Settings(list);
    }

    /** Settings from a fixed map only (names with prefix); used by tools and tests of the parsers. */
    public static Settings of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new Settings(List.of(new Source() {
            @Override public String get(String name) { return copy.get(name); }
            @Override public String describe(String name) { return name; }
        }));
    }

    /**
     * These settings with {@code name} fixed to {@code value} above every other source: for values the application
     * computes at start-up, such as the target of a wrapped program on its free loopback port.
     */
    public Settings with(String name, String value) {
        List<Source> list = new ArrayList<>();
        list.add(new Source() {
            @Override public String get(String n) { return n.equals(name) ? value : null; }
            @Override public String describe(String n) { return "value computed by websockify for " + n; }
        });
        list.addAll(sources);
        return new Settings(list);
    }

    /** {@code websockify.token-source} → {@code WEBSOCKIFY_TOKEN_SOURCE}. */
    public static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A value with the source it came from. */
    public record Value(String name, String raw, String origin) {
        /** Builds the exception for a malformed value, naming setting, origin and value. */
        public SettingException invalid(String why) {
            return new SettingException("Invalid setting " + name + " (" + origin + " = '" + raw + "'): " + why);
        }
    }

    /** The raw, trimmed value of the highest-precedence source that has a non-blank one. */
    public Optional<Value> value(String name) {
        for (Source s : sources) {
            String v = s.get(name);
            if (v != null && !v.isBlank()) {
                return Optional.of(new Value(name, v.trim(), s.describe(name)));
            }
        }
        return Optional.empty();
    }

    public Optional<String> string(String name) {
        return value(name).map(Value::raw);
    }

    public String required(String name, String hint) {
        return value(name).map(Value::raw).orElseThrow(() -> new SettingException(
                "Missing setting " + name + " (context-param " + name + ", environment variable " + envName(name)
                        + " or system property " + name + "): " + hint));
    }

    public boolean bool(String name, boolean def) {
        return value(name).map(v -> switch (v.raw().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw v.invalid("expected true or false");
        }).orElse(def);
    }

    public int integer(String name, int def, int min, int max) {
        return value(name).map(v -> {
            try {
                int i = Integer.parseInt(v.raw());
                if (i < min || i > max) {
                    throw v.invalid("must be between " + min + " and " + max);
                }
                return i;
            } catch (NumberFormatException e) {
                throw v.invalid("not an integer");
            }
        }).orElse(def);
    }

    /**
     * A duration: a number of seconds ({@code 10}, {@code 2.5}) or a number with a unit {@code ms}, {@code s},
     * {@code m}, {@code h}. Zero means "off" where the setting allows it.
     */
    public Duration duration(String name, Duration def) {
        return value(name).map(v -> parseDuration(v)).orElse(def);
    }

    static Duration parseDuration(Value v) {
        String s = v.raw().toLowerCase(Locale.ROOT);
        long factorMs;
        String number;
        if (s.endsWith("ms")) {
            factorMs = 1;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            factorMs = 1000;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factorMs = 60_000;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            factorMs = 3_600_000;
            number = s.substring(0, s.length() - 1);
        } else {
            factorMs = 1000;
            number = s;
        }
        try {
            double d = Double.parseDouble(number.trim());
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d) || d * factorMs > Long.MAX_VALUE / 2) {
                throw v.invalid("must be a non-negative duration such as 10, 2.5s, 500ms or 5m");
            }
            return Duration.ofMillis(Math.round(d * factorMs));
        } catch (NumberFormatException e) {
            throw v.invalid("not a duration (use seconds such as 10, or 500ms, 2.5s, 5m, 1h)");
        }
    }
}
