package io.websockify.testkit.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The programs the browser test runs, each with the Debian package that brings it. */
final class Tools {
    /** Program name → Debian package. */
    static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("Xvnc", "tigervnc-standalone-server");
        PACKAGES.put("vncpasswd", "tigervnc-tools");
        PACKAGES.put("chromium", "chromium");
        PACKAGES.put("chromedriver", "chromium-driver");
        PACKAGES.put("xterm", "xterm");
        PACKAGES.put("xsetroot", "x11-xserver-utils");
        PACKAGES.put("xrandr", "x11-xserver-utils");
        PACKAGES.put("xev", "x11-utils");
        PACKAGES.put("xwininfo", "x11-utils");
        PACKAGES.put("xclip", "xclip");
    }

    /** Debian packages of all the programs, for messages and for .ci/run. */
    static final String ALL_PACKAGES = String.join(" ", new java.util.LinkedHashSet<>(PACKAGES.values()))
            + " xfonts-base";

    private Tools() {
    }

    /** Absolute path of a program on PATH, or null. */
    static Path find(String program) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The program that must exist; fails naming its package if it does not. */
    static String require(String program) {
        Path p = find(program);
        if (p == null) {
            throw new IllegalStateException(program + " not found on PATH: install the Debian package "
                    + PACKAGES.get(program) + " (the browser test needs: " + ALL_PACKAGES + ")");
        }
        return p.toString();
    }

    /** Missing programs as "program (package)" entries; empty when everything is there. */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        PACKAGES.forEach((program, pkg) -> {
            if (find(program) == null) {
                missing.add(program + " (" + pkg + ")");
            }
        });
        return missing;
    }
}
