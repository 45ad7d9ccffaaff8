package io.websockify.wrap;

import java.util.Locale;

/** What the supervisor does when the wrapped program ends on its own (not because websockify stops it). */
public enum WrapMode {
    /** The proxy stops: the standalone command exits with the program's status; the WAR refuses sessions. */
    EXIT,
    /** Nothing: for programs that daemonise, whose launcher exits at once while the daemon serves on. */
    IGNORE,
    /** Start the program again, no sooner than upstream's throttle allows ({@link RespawnThrottle}). */
    RESPAWN;

    /** The mode named {@code exit}, {@code ignore} or {@code respawn} (any case), or null. */
    static WrapMode parse(String text) {
        for (WrapMode m : values()) {
            if (m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        return null;
    }

    /** The name as written in settings. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
