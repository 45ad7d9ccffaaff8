package io.websockify.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Scenario 3: many sessions at once, each with the target streaming to the client as fast as it can. Measures the
 * aggregate rate, fairness (the slowest session's bytes over the fastest's in the same window) and the proxy's CPU
 * per GiB. Every session's bytes are checked.
 */
final class Busy {
    private Busy() {
    }

    static void run(Ctx ctx, List<ProxyProcess> proxies) {
        BenchOptions o = ctx.options();
        int rounds = Math.min(o.rounds(), 2);
        for (int n : o.busySessions()) {
            ctx.say("busy: %d sessions, %.1f s per run, %d round(s)", n, o.busySeconds(), rounds);
            for (int round = 0; round < rounds; round++) {
                for (ProxyProcess p : proxies) {
                    try {
                        measure(ctx, p, n, o.busySeconds(), round);
                    } catch (IOException | RuntimeException e) {
                        String why = Ctx.describe(e);
                        ctx.failed(Metric.busyMibps(n), p.kind, why);
                        ctx.failed(Metric.busyFairness(n), p.kind, why);
                        ctx.failed(Metric.busyCpu(n), p.kind, why);
                    }
                }
            }
        }
    }

    @SuppressWarnings("try") // the watchdog guard only needs closing
    private static void measure(Ctx ctx, ProxyProcess p, int n, double seconds, int round) throws IOException {
        List<StreamReaders.Session> sessions = open(p, n, 5000 + round * 1000);
        try (StreamReaders readers = new StreamReaders(sessions, 2)) {
            Reaper.sleepQuietly(ctx.options().quick() ? 300 : 1000);
            long[] b0 = snapshot(sessions);
            double cpu0 = ProcStats.cpuSeconds(p.pid());
            long t0 = System.nanoTime();
            Reaper.sleepQuietly((long) (seconds * 1000));
            long[] b1 = snapshot(sessions);
            long t1 = System.nanoTime();
            double cpu = ProcStats.cpuSeconds(p.pid()) - cpu0;
            for (StreamReaders.Session s : sessions) {
                if (s.error() != null) {
                    throw new IOException("a session failed: " + s.error());
                }
            }
            long total = 0;
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < n; i++) {
                long d = b1[i] - b0[i];
                total += d;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            if (total == 0) {
                throw new IOException("no data flowed");
            }
            double mibps = total / 1048576.0 / ((t1 - t0) / 1e9);
            double fairness = max == 0 ? 0 : (double) min / max;
            double cpuPerGib = cpu / (total / 1073741824.0);
            ctx.results().add(Metric.busyMibps(n), p.kind, mibps);
            ctx.results().add(Metric.busyFairness(n), p.kind, fairness);
            ctx.results().add(Metric.busyCpu(n), p.kind, cpuPerGib);
            ctx.say("  %-8s %3d sessions  %7.0f MiB/s  fairness %.2f  %.2f CPU-s/GiB", p.kind.label, n, mibps,
                    fairness, cpuPerGib);
        } finally {
            for (StreamReaders.Session s : sessions) {
                s.link.close();
            }
            // Let the proxy tear the sessions down before the next run measures anything.
            Reaper.sleepQuietly(500);
        }
    }

    private static long[] snapshot(List<StreamReaders.Session> sessions) {
        long[] b = new long[sessions.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = sessions.get(i).bytes();
        }
        return b;
    }

    /** Opens {@code n} sessions in parallel, each asking the target for an endless stream. */
    @SuppressWarnings("try") // the watchdog guard only needs closing
    static List<StreamReaders.Session> open(ProxyProcess p, int n, int seedBase) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<StreamReaders.Session>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int seed = seedBase + i;
            futures.add(pool.submit(() -> {
                Link link = p.open(64 * 1024);
                try (Watchdog.Guard g = Watchdog.guard(link, 20_000)) {
                    link.send(new TargetRequest(TargetRequest.Mode.SOURCE, seed, -1).encode());
                } catch (IOException | RuntimeException e) {
                    link.close();
                    throw e;
                }
                return new StreamReaders.Session(link, seed);
            }));
        }
        pool.shutdown();
        List<StreamReaders.Session> sessions = new ArrayList<>();
        IOException failure = null;
        for (Future<StreamReaders.Session> f : futures) {
            try {
                sessions.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = new IOException("opening a session failed: " + Ctx.describe(e.getCause()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IOException("interrupted");
            }
        }
        if (failure != null) {
            for (StreamReaders.Session s : sessions) {
                s.link.close();
            }
            throw failure;
        }
        return sessions;
    }
}
