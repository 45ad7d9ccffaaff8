package io.websockify.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 5: complete short sessions per second: connect, handshake, one checked echo, close handshake, several
 * loops at once. Cycles that fail do not count; more than 1% failures makes the figure invalid.
 */
final class Churn {
    private Churn() {
    }

    static void run(Ctx ctx, List<ProxyProcess> proxies) {
        BenchOptions o = ctx.options();
        ctx.say("churn: %d loops, %.1f s per run, %d round(s)", o.churnWorkers(), o.churnSeconds(), o.rounds());
        for (ProxyProcess p : proxies) {
            cycles(p, o.churnWorkers(), 0.5);
        }
        for (int round = 0; round < o.rounds(); round++) {
            for (ProxyProcess p : proxies) {
                Result r = cycles(p, o.churnWorkers(), o.churnSeconds());
                long total = r.ok + r.failed;
                if (r.ok == 0 || r.failed * 100 > total) {
                    ctx.failed(Metric.CHURN, p.kind, r.failed + " of " + total + " cycles failed, e.g. " + r.firstError);
                } else {
                    ctx.results().add(Metric.CHURN, p.kind, r.perSecond);
                    ctx.say("  %-8s %6.0f cycles/s (%d failed)", p.kind.label, r.perSecond, r.failed);
                }
                // TIME_WAIT sockets and reaped children settle before the next proxy's turn.
                Reaper.sleepQuietly(300);
            }
        }
    }

    record Result(long ok, long failed, double perSecond, String firstError) {
    }

    static Result cycles(ProxyProcess p, int workers, double seconds) {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            int seed = 100 + w;
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        cycle(p, seed);
                        ok.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, Ctx.describe(e));
                    }
                }
            }, "bench-churn");
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Result(ok.get(), failed.get(), ok.get() / elapsed, firstError.get());
    }

    @SuppressWarnings("try") // the watchdog guard only needs closing
    private static void cycle(ProxyProcess p, int seed) throws IOException {
        try (Link link = p.open(1024); Watchdog.Guard g = Watchdog.guard(link, 10_000)) {
            link.send(new TargetRequest(TargetRequest.Mode.ECHO, seed, -1).encode());
            Pattern.Checker c = new Pattern.Checker(seed);
            link.send(Pattern.slice(seed, 0, 16));
            link.receiveExactly(16, c::accept);
            if (!c.ok() || c.bytes() != 16) {
                throw new IOException("echo came back wrong");
            }
            link.finish();
            if (p.kind.websocket && link.closeCode() != 1000) {
                throw new IOException("close answered with " + link.closeCode() + " " + link.closeReason());
            }
        }
    }
}
