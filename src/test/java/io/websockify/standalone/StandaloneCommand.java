package io.websockify.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code java -jar websockify.jar ARGS} as a real child process, with its output collected. {@link #close()}
 * always ends the process (forcibly if it still runs), so a failing test leaves nothing behind.
 */
final class StandaloneCommand implements AutoCloseable {
    /** Safety net against a hung child, not a speed requirement. */
    static final long PATIENCE_SECONDS = 120;
    private static final Pattern LISTEN = Pattern.compile("- Listen on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread outReader;
    private final Thread errReader;

    private StandaloneCommand(Process process) {
        this.process = process;
        this.outReader = reader(process.getInputStream(), stdout, true);
        this.errReader = reader(process.getErrorStream(), stderr, false);
    }

    static Path jar() {
        String jar = System.getProperty("websockify.jar");
        assertTrue(jar != null && Path.of(jar).toFile().isFile(),
                "system property websockify.jar must name the built jar (failsafe sets it), got " + jar);
        return Path.of(jar);
    }

    static StandaloneCommand start(Path workDir, String... args) throws IOException {
        return start(workDir, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with settings given as environment variables too. */
    static StandaloneCommand start(Path workDir, java.util.Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        // Settings from the environment would override nothing the test passes, but could add to it.
        pb.environment().keySet().removeIf(k -> k.startsWith("WEBSOCKIFY_"));
        pb.environment().putAll(env);
        return new StandaloneCommand(pb.start());
    }

    private Thread reader(InputStream in, StringBuffer sink, boolean watchListen) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                int listening = -1;
                while ((line = r.readLine()) != null) {
                    sink.append(line).append('\n');
                    Matcher m = LISTEN.matcher(line);
                    if (m.find()) {
                        listening = Integer.parseInt(m.group(1));
                    }
                    // The proxying line ends the start-up block: the test may read the whole block then.
                    if (watchListen && listening > 0 && line.contains("- proxying from")) {
                        port.complete(listening);
                    }
                }
            } catch (IOException e) {
                // The process went away; what was read is kept.
            } finally {
                if (watchListen) {
                    port.completeExceptionally(new IllegalStateException("the command ended without listening"));
                }
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The port from the command's start-up block; fails the test with the command's output if it never comes. */
    int awaitListening() throws InterruptedException {
        try {
            return port.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            return fail("websockify did not start listening: " + e.getMessage() + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr);
        }
    }

    /** Waits for the process to end and returns its exit status, with all its output read. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
            close();
            fail("websockify did not exit; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        outReader.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
        errReader.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
        return process.exitValue();
    }

    /**
     * SIGTERM, as a service manager sends it. (Through the process handle: {@code Process.destroy()} sends the same
     * signal but also closes our ends of the output pipes, and we want to read what the command logs while stopping.)
     */
    void terminate() {
        process.toHandle().destroy();
    }

    String stdout() {
        return stdout.toString();
    }

    String stderr() {
        return stderr.toString();
    }

    /**
     * Stops the command if it still runs: SIGTERM first, so that it removes its temporary files, then SIGKILL if
     * it does not exit within the patience.
     */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.toHandle().destroy();
                process.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
