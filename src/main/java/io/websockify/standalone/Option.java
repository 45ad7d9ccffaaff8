package io.websockify.standalone;

/**
 * One command-line option of the standalone command. A value option ({@code --web DIR}, {@code --web=DIR}) sets
 * its setting to the value; a flag ({@code --file-only}) sets it to {@code true}. The setting name is the system
 * property the launcher sets, so the option reaches the webapp by the same path as every other source.
 *
 * @param name      long name without dashes ({@code web} for {@code --web})
 * @param shortName one-letter alias without the dash ({@code v} for {@code -v}), or null
 * @param metavar   placeholder of the value in the help text ({@code DIR}), or null for a flag
 * @param setting   the setting the option sets ({@code websockify.web}), or null for options the launcher handles
 *                  itself ({@code --help})
 * @param help      help text (wrapped when printed)
 * @param replacesTarget the option picks targets another way ({@code --token-plugin}, {@code --unix-target}):
 *                  the command line then has no {@code target_addr:target_port}, as upstream's
 */
public record Option(String name, String shortName, String metavar, String setting, String help,
                     boolean replacesTarget) {

    /** An option that takes a value and sets {@code websockify.<name>}. */
    public static Option value(String name, String metavar, String help) {
        return new Option(name, null, metavar, "websockify." + name, help, false);
    }

    /** A flag that sets {@code websockify.<name>} to {@code true}. */
    public static Option flag(String name, String help) {
        return new Option(name, null, null, "websockify." + name, help, false);
    }

    /** The same option with a one-letter alias. */
    public Option withShort(String letter) {
        return new Option(name, letter, metavar, setting, help, replacesTarget);
    }

    /** The same option, marked as one that takes the place of the target positional. */
    public Option replacingTarget() {
        return new Option(name, shortName, metavar, setting, help, true);
    }

    public boolean takesValue() {
        return metavar != null;
    }

    /** {@code -v, --verbose} or {@code --web DIR}, as the help text shows it. */
    String synopsis() {
        String s = (shortName == null ? "" : "-" + shortName + ", ") + "--" + name;
        return takesValue() ? s + " " + metavar : s;
    }
}
