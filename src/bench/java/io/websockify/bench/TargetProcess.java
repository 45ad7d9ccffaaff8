package io.websockify.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Starts {@link TargetServer} as a child JVM (own process, own descriptor limit) and learns its port. The child
 * exits when its standard input closes, and the {@link Reaper} stops it in any case.
 */
final class TargetProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private TargetProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static TargetProcess start(Path logDir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), TargetServer.class.getName(), "2")
                .redirectError(logDir.resolve("target.log").toFile());
        Process p = pb.start();
        Reaper.register(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            Reaper.stop(p);
            throw new IOException("target server did not start (see " + logDir.resolve("target.log") + ")");
        }
        return new TargetProcess(p, Integer.parseInt(line.substring("LISTENING ".length()).trim()));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        Reaper.stop(process);
    }
}
