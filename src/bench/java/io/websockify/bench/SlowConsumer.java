package io.websockify.bench;

import java.io.IOException;

/**
 * Scenario 6: the target streams without end while the client reads 1 MiB/s. A proxy that respects backpressure
 * stops reading the target when the client's TCP window is full, so its memory stays flat; one that queues grows
 * by the difference of the rates. Reports the largest growth of the proxy's RSS and PSS over its level before the
 * flood (and, for ours, of the live heap). Every byte the client reads is checked.
 */
final class SlowConsumer {
    private static final long RATE = 1 << 20;
    /** Stop early past this: the point is made, and the machine is shared. */
    private static final long GIVE_UP_KIB = 2L << 20;

    private SlowConsumer() {
    }

    @SuppressWarnings("try") // the watchdog guard only needs closing
    static void run(Ctx ctx, ProxyProcess p) {
        double seconds = ctx.options().slowSeconds();
        try {
            try {
                Throughput.targetToClient(p, 32L << 20, 4000);
                Latency.roundTrips(p, 64, 1000, 4001);
            } catch (IOException e) {
                ctx.say("  %s: warm-up failed: %s", p.kind.label, Ctx.describe(e));
            }
            Reaper.sleepQuietly(1000);
            ProcStats.Memory before = ProcStats.memory(p.pid());
            Jcmd.Heap heapBefore = p.kind == ProxyKind.OURS ? Jcmd.heap(p.pid(), true) : null;
            long maxRss = before.rssKib();
            long maxPss = before.pssKib();
            Pattern.Checker checker = new Pattern.Checker(4002);
            Jcmd.Heap heapAfter = null;
            boolean gaveUp = false;
            try (Link link = p.open(64 * 1024);
                 Watchdog.Guard g = Watchdog.guard(link, (long) (seconds * 1000) + 30_000)) {
                link.send(new TargetRequest(TargetRequest.Mode.SOURCE, 4002, -1).encode());
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                long nextSample = 0;
                while (System.nanoTime() < end) {
                    if (link.receive(checker::accept) < 0) {
                        throw new IOException("stream ended after " + checker.bytes() + " bytes (close "
                                + link.closeCode() + " " + link.closeReason() + ")");
                    }
                    long now = System.nanoTime();
                    if (now >= nextSample) {
                        ProcStats.Memory m = ProcStats.memory(p.pid());
                        maxRss = Math.max(maxRss, m.rssKib());
                        maxPss = Math.max(maxPss, m.pssKib());
                        nextSample = now + 250_000_000L;
                        if (maxRss - before.rssKib() > GIVE_UP_KIB) {
                            gaveUp = true;
                            break;
                        }
                    }
                    // Hold the reading rate at 1 MiB/s.
                    long due = t0 + (long) (checker.bytes() * 1e9 / RATE);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                if (p.kind == ProxyKind.OURS) {
                    // Still flooding: whatever the proxy holds for this session is live now.
                    heapAfter = Jcmd.heap(p.pid(), true);
                }
                double rate = checker.bytes() / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
                if (!checker.ok()) {
                    throw new IOException(checker.problem());
                }
                double rssGrowth = (maxRss - before.rssKib()) / 1024.0;
                double pssGrowth = (maxPss - before.pssKib()) / 1024.0;
                ctx.results().add(Metric.SLOW_RSS, p.kind, rssGrowth);
                ctx.results().add(Metric.SLOW_PSS, p.kind, pssGrowth);
                String heapText = "";
                if (heapBefore != null && heapAfter != null) {
                    double heapGrowth = (heapAfter.usedKib() - heapBefore.usedKib()) / 1024.0;
                    ctx.results().add(Metric.SLOW_HEAP, p.kind, heapGrowth);
                    heapText = String.format("  live heap %+.1f MiB", heapGrowth);
                }
                ctx.say("  %-8s read %.2f MiB/s for %.0f s: RSS %+.1f MiB, PSS %+.1f MiB%s%s", p.kind.label, rate,
                        (System.nanoTime() - t0) / 1e9, rssGrowth, pssGrowth, heapText,
                        gaveUp ? " (stopped early: over 2 GiB)" : "");
            }
        } catch (IOException | RuntimeException e) {
            ctx.failed(Metric.SLOW_RSS, p.kind, Ctx.describe(e));
            ctx.failed(Metric.SLOW_PSS, p.kind, Ctx.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
