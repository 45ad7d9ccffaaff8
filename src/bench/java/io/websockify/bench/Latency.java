package io.websockify.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Scenario 2: round trips through the echo target, one message of 1 or 64 bytes at a time, on one session per
 * size and round; every echo is checked. Reports p50, p99 and p99.9 of all rounds' samples per round, the median
 * of which goes into the table.
 */
final class Latency {
    private Latency() {
    }

    static void run(Ctx ctx, List<ProxyProcess> proxies) {
        int count = ctx.options().latencyCount();
        ctx.say("latency: %d round trips per size and round", count);
        for (ProxyProcess p : proxies) {
            try {
                roundTrips(p, 64, Math.min(count, 5000), 77);
            } catch (IOException e) {
                ctx.say("  %s: warm-up failed: %s", p.kind.label, Ctx.describe(e));
            }
        }
        for (int round = 0; round < ctx.options().rounds(); round++) {
            for (int size : new int[] {1, 64}) {
                for (ProxyProcess p : proxies) {
                    List<Metric> m = Metric.rtt(size);
                    try {
                        long[] ns = roundTrips(p, size, count, 3000 + round);
                        Arrays.sort(ns);
                        double p50 = pct(ns, 0.50) / 1e3;
                        double p99 = pct(ns, 0.99) / 1e3;
                        double p999 = pct(ns, 0.999) / 1e3;
                        ctx.results().add(m.get(0), p.kind, p50);
                        ctx.results().add(m.get(1), p.kind, p99);
                        ctx.results().add(m.get(2), p.kind, p999);
                        ctx.say("  %-8s %2d B  p50 %6.1f µs  p99 %7.1f µs  p99.9 %7.1f µs", p.kind.label, size,
                                p50, p99, p999);
                    } catch (IOException | RuntimeException e) {
                        for (Metric x : m) {
                            ctx.failed(x, p.kind, Ctx.describe(e));
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings("try") // the watchdog guard only needs closing
    static long[] roundTrips(ProxyProcess p, int size, int count, int seed) throws IOException {
        long[] ns = new long[count];
        try (Link link = p.open(4096); Watchdog.Guard g = Watchdog.guard(link, 60_000 + count)) {
            link.send(new TargetRequest(TargetRequest.Mode.ECHO, seed, -1).encode());
            Pattern.Checker checker = new Pattern.Checker(seed);
            long off = 0;
            for (int i = 0; i < count; i++) {
                var msg = Pattern.slice(seed, off, size);
                long t0 = System.nanoTime();
                link.send(msg);
                link.receiveExactly(size, checker::accept);
                ns[i] = System.nanoTime() - t0;
                off += size;
            }
            if (!checker.ok() || checker.bytes() != off) {
                throw new IOException("echo " + checker.problem());
            }
            link.finish();
        }
        return ns;
    }

    private static long pct(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
