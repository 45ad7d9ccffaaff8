package io.websockify.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a running JVM (our proxy) about its heap with the JDK's {@code jcmd}. */
final class Jcmd {
    private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private Jcmd() {
    }

    /** Committed and used heap in KiB. */
    record Heap(long committedKib, long usedKib) {
    }

    /**
     * The heap as {@code GC.heap_info} shows it; with {@code collectFirst}, after a full collection, so that
     * "used" is the live data. Null if jcmd failed.
     */
    static Heap heap(long pid, boolean collectFirst) {
        if (collectFirst && run(pid, "GC.run") == null) {
            return null;
        }
        String out = run(pid, "GC.heap_info");
        if (out == null) {
            return null;
        }
        Matcher m = USED.matcher(out);
        return m.find() ? new Heap(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))) : null;
    }

    static String run(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            Reaper.register(p);
            String out = new String(p.getInputStream().readAllBytes());
            boolean done = p.waitFor(30, TimeUnit.SECONDS);
            Reaper.stop(p);
            return done && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
