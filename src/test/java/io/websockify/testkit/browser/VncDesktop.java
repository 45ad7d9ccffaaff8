package io.websockify.testkit.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real X desktop behind a real VNC server: TigerVNC's Xvnc on 127.0.0.1 only, with VNC password
 * authentication, a solid root colour, an xterm running a shell at a known place and an xev window that logs the
 * mouse buttons it sees. Everything it starts is stopped by {@link #close()}, by process handle.
 */
public final class VncDesktop implements AutoCloseable {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;
    /** VNC passwords are at most 8 characters. */
    public static final String PASSWORD = "Vnc-7pw!";
    public static final String NAME = "websockify-browser-test";
    /** Root window colour, #3a6ea5. */
    public static final int[] ROOT_RGB = {0x3a, 0x6e, 0xa5};
    /** The xterm's background, #ffd21f; its top-left corner and a point inside it that stays empty. */
    public static final int[] XTERM_RGB = {0xff, 0xd2, 0x1f};
    public static final int XTERM_X = 40;
    public static final int XTERM_Y = 40;
    public static final int[] XTERM_EMPTY_POINT = {XTERM_X + 300, XTERM_Y + 140};
    /** Where the xev window is, and a point inside it (away from its inner sub-window). */
    public static final int[] XEV_POINT = {660, 500};
    /** A line the xterm prints at start, visible in the screenshot. */
    public static final String MARKER = "websockify browser test";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int port;
    private String display;
    private final Path xevLog;

    private VncDesktop(Path dir) {
        this.dir = dir;
        this.xevLog = dir.resolve("xev.log");
    }

    /** Starts a desktop in a fresh directory under {@code parent}; on failure stops what it had started. */
    public static VncDesktop start(Path parent) throws IOException, InterruptedException {
        Files.createDirectories(parent);
        VncDesktop d = new VncDesktop(Files.createTempDirectory(parent, "desktop"));
        try {
            d.boot();
            return d;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    private void boot() throws IOException, InterruptedException {
        Path passwd = dir.resolve("passwd");
        Process p = new ProcessBuilder(Tools.require("vncpasswd"), "-f")
                .redirectOutput(passwd.toFile())
                .redirectError(dir.resolve("vncpasswd.log").toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((PASSWORD + "\n" + PASSWORD + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (p.waitFor() != 0 || Files.size(passwd) == 0) {
            throw new IOException("vncpasswd -f failed, see " + dir.resolve("vncpasswd.log"));
        }

        port = freePort();
        Path displayFile = dir.resolve("display");
        // -displayfd: Xvnc picks a free display itself and writes its number to fd 3 (a file here).
        Process xvnc = start("xvnc", List.of("sh", "-c", "exec \"$0\" \"$@\" 3>\"" + displayFile + "\"",
                Tools.require("Xvnc"), "-displayfd", "3",
                "-rfbport", Integer.toString(port), "-localhost", "-interface", "127.0.0.1",
                "-SecurityTypes", "VncAuth", "-PasswordFile", passwd.toString(),
                "-geometry", WIDTH + "x" + HEIGHT, "-depth", "24", "-desktop", NAME,
                "-nolisten", "tcp", "-AlwaysShared", "-BlacklistThreshold", "1000"), Map.of());
        String number = Waits.until(Duration.ofSeconds(20), "Xvnc to report its display (log: "
                + dir.resolve("xvnc.log") + ")", () -> {
            if (!xvnc.isAlive()) {
                throw new IllegalStateException("Xvnc exited with " + xvnc.exitValue() + ", see "
                        + dir.resolve("xvnc.log"));
            }
            String s = Files.exists(displayFile) ? Files.readString(displayFile).trim() : "";
            return s.isEmpty() ? null : s;
        });
        display = ":" + number;
        Map<String, String> x = Map.of("DISPLAY", display);

        capture(List.of(Tools.require("xsetroot"), "-solid", hex(ROOT_RGB)), x);
        start("xterm", List.of(Tools.require("xterm"), "-geometry", "72x12+" + XTERM_X + "+" + XTERM_Y,
                "-bg", hex(XTERM_RGB), "-fg", "black", "-T", "marker",
                "-e", "/bin/sh", "-c", "echo '" + MARKER + "'; PS1='$ ' exec /bin/sh -i"), x);
        start("xev", List.of(Tools.require("xev"), "-geometry", "220x160+560+420", "-event", "button"), x);
        // Both windows are mapped once their pixels are on the root window.
        Waits.until(Duration.ofSeconds(20), "the xterm and xev windows to appear", () -> {
            String tree = capture(List.of(Tools.require("xwininfo"), "-root", "-tree"), x);
            return tree.contains("\"marker\"") && tree.contains("Event Tester") ? tree : null;
        });
    }

    /** The VNC server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The X display, e.g. {@code :1}. */
    public String display() {
        return display;
    }

    /** The xterm shell's working directory. */
    public Path shellDir() {
        return dir;
    }

    /** Sets the desktop's size back (after a client resized it) to one of its modes, e.g. 800x600. */
    public void resize(int width, int height) throws IOException, InterruptedException {
        capture(List.of(Tools.require("xrandr"), "-s", width + "x" + height), Map.of("DISPLAY", display));
    }

    /** What xev has printed so far (its button events). */
    public String xevLog() throws IOException {
        return Files.readString(xevLog, StandardCharsets.UTF_8);
    }

    /** The X CLIPBOARD selection's text, or "" if it has none. */
    public String clipboard() throws IOException, InterruptedException {
        return capture(List.of(Tools.require("xclip"), "-o", "-selection", "clipboard"), Map.of("DISPLAY", display));
    }

    /**
     * Makes {@code text} the X CLIPBOARD selection, owned by an xclip process until {@link #close()} or until
     * another owner takes it.
     */
    public void setClipboard(String text) throws IOException {
        Process p = start("xclip-in", List.of(Tools.require("xclip"), "-i", "-quiet", "-selection", "clipboard"),
                Map.of("DISPLAY", display), false);
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private Process start(String name, List<String> command, Map<String, String> env) throws IOException {
        return start(name, command, env, true);
    }

    private Process start(String name, List<String> command, Map<String, String> env, boolean closeStdin)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("HOME", dir.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        if (closeStdin) {
            p.getOutputStream().close();
        }
        return p;
    }

    /** Runs a short command to completion and returns its output, or throws if it fails. */
    private String capture(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(command + " exited with " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String hex(int[] rgb) {
        return String.format("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }

    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        // Clients first, the X server last, each by its own handle.
        for (int i = all.size() - 1; i >= 0; i--) {
            Process p = all.get(i);
            p.destroy();
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
