package io.websockify.standalone;

import io.websockify.config.HostPort;
import io.websockify.config.ProxySettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone command line, parsed with upstream websockify's syntax:
 * {@code [options] [source_addr:]source_port target_addr:target_port}. Options may come anywhere, as
 * {@code --name value}, {@code --name=value}, {@code -v}; the first {@code --help} wins over everything after it.
 *
 * @param help     {@code -h}/{@code --help} was given: print the help and exit 0 (the other fields are empty)
 * @param listen   where to listen; an empty host means all interfaces
 * @param target   the static target, or null when an option picks targets another way ({@code --token-plugin},
 *                 {@code --unix-target}, ...)
 * @param settings the settings this command line sets, by full name ({@code websockify.target}), in the order
 *                 given; always includes {@code websockify.target} and {@code websockify.any-path=true}
 */
public record CommandLine(boolean help, HostPort listen, HostPort target, Map<String, String> settings) {

    /** Parses {@code args}; a wrong command line throws with upstream's wording where upstream has one. */
    public static CommandLine parse(String... args) throws UsageException {
        // One pass, so that "--help" is honoured where it appears and errors before it win, as with optparse.
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        List<String> program = null;
        boolean targetReplaced = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                program = List.of(args).subList(i + 1, args.length);
                if (program.isEmpty()) {
                    throw new UsageException("no program after --");
                }
                break;
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                Optional<String> refusal = Options.refused(name);
                if (refusal.isPresent()) {
                    throw new UsageException(refusal.get());
                }
                Option option = Options.byName(name)
                        .orElseThrow(() -> new UsageException("no such option: --" + name));
                if (option == Options.HELP) {
                    return helpOnly();
                }
                String value = eq < 0 ? null : arg.substring(eq + 1);
                if (!option.takesValue() && value != null) {
                    throw new UsageException("--" + name + " option does not take a value");
                }
                if (option.takesValue() && value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " option requires an argument");
                    }
                    value = args[++i];
                }
                put(settings, option, value);
                targetReplaced |= option.replacesTarget();
            } else if (arg.startsWith("-") && arg.length() > 1) {
                // Short options: -v, clusters of flags (-vh), a value attached (-xVALUE) or next (-x VALUE).
                for (int c = 1; c < arg.length(); c++) {
                    String letter = arg.substring(c, c + 1);
                    Option option = Options.byShortName(letter)
                            .orElseThrow(() -> new UsageException("no such option: -" + letter));
                    if (option == Options.HELP) {
                        return helpOnly();
                    }
                    targetReplaced |= option.replacesTarget();
                    if (!option.takesValue()) {
                        put(settings, option, null);
                        continue;
                    }
                    String value = arg.substring(c + 1);
                    if (value.isEmpty()) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("-" + letter + " option requires an argument");
                        }
                        value = args[++i];
                    }
                    put(settings, option, value);
                    break;
                }
            } else {
                positionals.add(arg);
            }
        }
        if (program != null && targetReplaced) {
            throw new UsageException("with -- PROGRAM the program is the target: no --unix-target, --token-plugin, "
                    + "--allow-hosts or --routes");
        }
        int expected = targetReplaced || program != null ? 1 : 2;
        if (positionals.size() < expected) {
            throw new UsageException("Too few arguments");
        }
        if (positionals.size() > expected) {
            throw new UsageException("Too many arguments");
        }
        HostPort listen;
        try {
            listen = HostPort.parseListen(positionals.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (program != null) {
            wrap(settings, listen, program);
        }
        if (settings.containsKey(NOVNC) && settings.containsKey(ProxySettings.WEB)) {
            throw new UsageException("--novnc serves the bundled client; it cannot be combined with --web");
        }
        HostPort target = null;
        if (!targetReplaced && program == null) {
            try {
                target = HostPort.parseTarget(positionals.get(1));
            } catch (IllegalArgumentException e) {
                String why = e.getMessage();
                throw new UsageException(why.startsWith("Error parsing")
                        ? why : "Error parsing target '" + positionals.get(1) + "': " + why);
            }
            settings.put(ProxySettings.TARGET, target.toString());
        }
        // Upstream accepts an upgrade on any path (noVNC's path setting may be anything).
        settings.put(ProxySettings.ANY_PATH, "true");
        return new CommandLine(false, listen, target, Collections.unmodifiableMap(settings));
    }

    /** Setting of {@code --novnc}: serve the noVNC client bundled in the jar. */
    static final String NOVNC = ProxySettings.NOVNC;

    /**
     * Upstream's wrap mode: the program's own bind() of the listen port is moved to a free loopback port, unless
     * its arguments take {@code {port}} or {@code --wrap-port} names another port.
     */
    private static void wrap(Map<String, String> settings, HostPort listen, List<String> program)
            throws UsageException {
        settings.put(io.websockify.wrap.WrapSettings.COMMAND, io.websockify.wrap.CommandLine.join(program));
        boolean placeholder = program.stream().anyMatch(a -> a.contains(io.websockify.wrap.WrapSettings.PLACEHOLDER));
        if (!placeholder && !settings.containsKey(io.websockify.wrap.WrapSettings.PORT)) {
            if (listen.port() == 0) {
                throw new UsageException("-- PROGRAM needs a fixed listen port (the port the program binds)");
            }
            settings.put(io.websockify.wrap.WrapSettings.PORT, String.valueOf(listen.port()));
        }
    }

    private static CommandLine helpOnly() {
        return new CommandLine(true, null, null, Map.of());
    }

    private static void put(Map<String, String> settings, Option option, String value) throws UsageException {
        if (option.takesValue() && value.isBlank()) {
            throw new UsageException("--" + option.name() + " option requires a non-empty argument");
        }
        settings.put(option.setting(), option.takesValue() ? value : "true");
    }

    /** True when {@code -v}/{@code --verbose} was given. */
    public boolean verbose() {
        return "true".equals(settings.get(ProxySettings.VERBOSE));
    }
}
