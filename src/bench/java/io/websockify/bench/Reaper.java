package io.websockify.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Remembers every process the benchmark started and stops each of them, with its descendants (forking proxies leave
 * one child per session), by PID: on request, and from a shutdown hook if the benchmark fails or is interrupted.
 * Sends SIGTERM first and SIGKILL to whatever is still alive ten seconds later (a JVM may be writing a flight
 * recording on its way out). Never touches a process it did not
 * start. Thread-safe.
 */
final class Reaper {
    private static final List<Process> LIVE = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::stopAll, "bench-reaper"));
    }

    private Reaper() {
    }

    static synchronized void register(Process p) {
        LIVE.add(p);
    }

    /** Stops {@code p} and its descendants; returns once they are gone (or killed). */
    static void stop(Process p) {
        synchronized (Reaper.class) {
            LIVE.remove(p);
        }
        terminate(p);
    }

    static void stopAll() {
        List<Process> all;
        synchronized (Reaper.class) {
            all = new ArrayList<>(LIVE);
            LIVE.clear();
        }
        for (Process p : all) {
            terminate(p);
        }
    }

    private static void terminate(Process p) {
        // Collect the descendants first: once the parent is gone they are re-parented and can no longer be found.
        List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
        p.destroy();
        for (ProcessHandle h : family) {
            h.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        for (ProcessHandle h : family) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                sleepQuietly(20);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
