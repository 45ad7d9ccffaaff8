package io.websockify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a process tree costs from /proc: CPU time (user + system, including reaped children) and memory
 * (RSS and PSS from smaps_rollup). A tree is the process and all its live descendants, so a proxy that forks a
 * process per session is charged for all of them. Linux only.
 */
final class ProcStats {
    private static final double TICKS = clockTicks();

    private ProcStats() {
    }

    /** Memory of a process tree, in KiB. */
    record Memory(long rssKib, long pssKib, int processes) {
        double rssMib() {
            return rssKib / 1024.0;
        }

        double pssMib() {
            return pssKib / 1024.0;
        }
    }

    static List<Long> tree(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    /**
     * CPU seconds the tree has used so far, counting children that already ended and were reaped. Live threads are
     * also read from schedstat (nanoseconds), because the utime/stime of many processes that each run a little
     * lags by seconds (seen with 256 socat children). Ended children come from their reaper's cutime/cstime, which
     * the kernel settles at exit.
     */
    static double cpuSeconds(long pid) {
        double seconds = 0;
        for (long p : tree(pid)) {
            String[] f = statFields(p);
            if (f == null) {
                continue;
            }
            // Both are lower bounds: schedstat misses threads that ended, utime/stime lags. Take the larger.
            double ticks = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
            seconds += Math.max(ticks, runNanos(p) / 1e9);
            // cutime, cstime: fields 16 and 17 of /proc/<pid>/stat
            seconds += (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS;
        }
        return seconds;
    }

    /** Time on CPU of all threads of {@code pid} in ns, or -1 if schedstat is not available. */
    private static long runNanos(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(t.resolve("schedstat"));
                    sum += Long.parseLong(s.substring(0, s.indexOf(' ')));
                } catch (IOException e) {
                    // the thread ended meanwhile; its time moved to the process's dead-thread total, see below
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }

    static Memory memory(long pid) {
        long rss = 0;
        long pss = 0;
        int n = 0;
        for (long p : tree(pid)) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "smaps_rollup"))) {
                    if (line.startsWith("Rss:")) {
                        rss += kib(line);
                    } else if (line.startsWith("Pss:")) {
                        pss += kib(line);
                    }
                }
                n++;
            } catch (IOException e) {
                // The process ended meanwhile.
            }
        }
        return new Memory(rss, pss, n);
    }

    /** The soft limit on open files of a process, or -1 if unknown. */
    static long openFileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    /** Fields of /proc/<pid>/stat after the command name; index 0 is field 3 (state). */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
