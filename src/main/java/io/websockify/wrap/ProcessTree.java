package io.websockify.wrap;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stops a process and all its descendants: SIGTERM to each, SIGKILL to those still alive after the grace period,
 * then waits for them to be gone.
 *
 * <p>The descendants are listed before any signal is sent: once a parent dies its children are re-parented (to
 * init) and can no longer be found as descendants. Processes that had already left the tree before (a daemon's
 * double fork) are not found at all. {@link ProcessHandle#destroy()} checks each process's start time, so a PID
 * reused by an unrelated process is never signalled.
 */
final class ProcessTree {
    private static final Logger LOG = System.getLogger(ProcessTree.class.getName());
    /** How long to wait for processes to vanish after SIGKILL (they may be in uninterruptible sleep). */
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 20;
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

    /**
     * Terminates {@code root} and its descendants; returns when all are gone or, after SIGKILL, when
     * {@link #AFTER_KILL} has passed (a warning names the survivors).
     *
     * @param label names the program in log lines
     */
    static void terminate(ProcessHandle root, Duration grace, String label) {
        Map<Long, ProcessHandle> tree = snapshot(root, new LinkedHashMap<>());
        if (tree.isEmpty()) {
            return;
        }
        LOG.log(Level.DEBUG, "{0}: SIGTERM to {1}", label, tree.keySet());
        for (ProcessHandle h : tree.values()) {
            h.destroy();
        }
        if (awaitAll(tree.values(), grace)) {
            return;
        }
        // Children forked after the first look are descendants of survivors: take them too.
        for (ProcessHandle h : List.copyOf(tree.values())) {
            if (running(h)) {
                snapshot(h, tree);
            }
        }
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle h : tree.values()) {
            if (running(h)) {
                killed.add(h.pid());
                h.destroyForcibly();
            }
        }
        if (!killed.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: still running {1} s after SIGTERM, sent SIGKILL to {2}", label,
                    grace.toMillis() / 1000.0, killed);
        }
        if (!awaitAll(tree.values(), AFTER_KILL)) {
            List<Long> left = tree.values().stream().filter(ProcessTree::running).map(ProcessHandle::pid).toList();
            LOG.log(Level.WARNING, "{0}: processes {1} survive SIGKILL", label, left);
        }
    }

    private static Map<Long, ProcessHandle> snapshot(ProcessHandle root, Map<Long, ProcessHandle> into) {
        if (root.isAlive()) {
            into.putIfAbsent(root.pid(), root);
        }
        root.descendants().forEach(h -> into.putIfAbsent(h.pid(), h));
        return into;
    }

    /**
     * Alive and not a zombie. The JDK counts a zombie as alive, but it has ended; one whose parent died is reaped by
     * init, which may take its time (seconds, on some container inits) and is none of ours to wait for.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        Path stat = PROC.resolve(Long.toString(h.pid())).resolve("stat");
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return !Files.isDirectory(PROC) && h.isAlive();
        } catch (IOException e) {
            return h.isAlive();
        }
    }

    private static boolean awaitAll(Iterable<ProcessHandle> handles, Duration timeout) {
        // Polled rather than onExit(): for processes that are not our children the JDK polls too, but at first
        // every 300 ms and slower later, which would stretch every undeploy.
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = false;
            for (ProcessHandle h : handles) {
                alive |= running(h);
            }
            if (!alive) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
