package io.websockify.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies compared: ours (the standalone jar), upstream websockify (Debian's {@code websockify} command) and
 * socat as the raw TCP relay that shows what the machine can do without WebSocket.
 */
enum ProxyKind {
    OURS("ours", true),
    UPSTREAM("upstream", true),
    SOCAT("socat", false);

    final String label;
    /** Whether clients speak WebSocket to it (socat relays raw TCP). */
    final boolean websocket;

    ProxyKind(String label, boolean websocket) {
        this.label = label;
        this.websocket = websocket;
    }

    static ProxyKind of(String label) {
        for (ProxyKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown proxy '" + label + "' (ours, upstream, socat)");
    }

    /** Why this proxy cannot run here, or null if it can. */
    String missing(BenchOptions o) {
        return switch (this) {
            case OURS -> Files.isRegularFile(o.jar()) ? null
                    : o.jar() + " not found: build it with `mvn -o -q -B package -DskipTests`";
            case UPSTREAM -> onPath("websockify") ? null
                    : "the `websockify` command is missing: install the Debian package `websockify` (apt-get install websockify)";
            case SOCAT -> onPath("socat") ? null
                    : "the `socat` command is missing: install the Debian package `socat` (apt-get install socat)";
        };
    }

    /** The command that listens on 127.0.0.1:{@code port} and relays to 127.0.0.1:{@code targetPort}. */
    List<String> command(BenchOptions o, int port, int targetPort, List<String> extraJvm) {
        String listen = "127.0.0.1:" + port;
        String target = "127.0.0.1:" + targetPort;
        List<String> cmd = new ArrayList<>();
        switch (this) {
            case OURS -> {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                // Every benchmark client comes from 127.0.0.1: lift the session caps (upstream has none).
                cmd.add("-Dwebsockify.max-sessions=1000000");
                cmd.add("-Dwebsockify.max-sessions-per-client=1000000");
                cmd.addAll(o.oursJvm());
                cmd.addAll(extraJvm);
                cmd.add("-jar");
                cmd.add(o.jar().toString());
                cmd.add(listen);
                cmd.add(target);
            }
            case UPSTREAM -> {
                cmd.add("websockify");
                cmd.add(listen);
                cmd.add(target);
            }
            case SOCAT -> {
                // 64 KiB blocks (socat's default is 8 KiB) like the WebSocket proxies' reads, and TCP_NODELAY
                // both ways as they set it: the raw relay should show what the machine can do.
                cmd.add("socat");
                cmd.add("-b");
                cmd.add("65536");
                cmd.add("TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,backlog=4096,nodelay");
                cmd.add("TCP:" + target + ",nodelay");
            }
        }
        return cmd;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
