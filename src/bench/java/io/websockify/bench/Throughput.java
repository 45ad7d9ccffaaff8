package io.websockify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Scenario 1: one large transfer each way, every byte checked against the pattern, with the CPU time the proxy
 * (and any process it forked) spent per GiB. Target → client: the target streams, the client checks every byte
 * and the time runs until it has them all. Client → target: the client sends 64 KiB messages, the target checks them
 * and answers once it has all of them; the time runs until that answer.
 */
final class Throughput {
    private static final int FRAME = 64 * 1024;
    /** Least warm-up time per proxy and direction. */
    private static final long WARM_NANOS = 3_000_000_000L;

    private Throughput() {
    }

    record Sample(double mibPerSecond, double cpuPerGib) {
    }

    static void run(Ctx ctx, List<ProxyProcess> proxies) {
        long bytes = ctx.options().transferBytes();
        ctx.say("throughput: %d MiB per transfer, %d round(s)", bytes >> 20, ctx.options().rounds());
        boolean t2c = ctx.options().directions().contains("t2c");
        boolean c2t = ctx.options().directions().contains("c2t");
        for (ProxyProcess p : proxies) {
            try {
                // Whole transfers each way for at least WARM_NANOS, for every proxy alike: with less, our first
                // measured round was 30-50 % slower while the JIT compiled (its threads count as proxy CPU), which
                // measured the start-up of a long-running server rather than its steady state. Counted in time, not
                // bytes: with 256 KiB messages 1 GiB is only 4,096 trips through the data path, too few for the
                // JIT's thresholds.
                long warm = Math.max(32L << 20, bytes);
                if (t2c) {
                    for (long t0 = System.nanoTime(); System.nanoTime() - t0 < WARM_NANOS; ) {
                        targetToClient(p, warm, 99);
                    }
                }
                if (c2t) {
                    for (long t0 = System.nanoTime(); System.nanoTime() - t0 < WARM_NANOS; ) {
                        clientToTarget(p, warm, 98);
                    }
                }
            } catch (IOException e) {
                ctx.say("  %s: warm-up failed: %s", p.kind.label, Ctx.describe(e));
            }
        }
        for (int round = 0; round < ctx.options().rounds(); round++) {
            for (ProxyProcess p : t2c ? proxies : List.<ProxyProcess>of()) {
                measure(ctx, p, true, bytes, round);
            }
            for (ProxyProcess p : c2t ? proxies : List.<ProxyProcess>of()) {
                measure(ctx, p, false, bytes, round);
            }
        }
    }

    private static void measure(Ctx ctx, ProxyProcess p, boolean toClient, long bytes, int round) {
        Metric speed = toClient ? Metric.T2C_MIBPS : Metric.C2T_MIBPS;
        Metric cpu = toClient ? Metric.T2C_CPU : Metric.C2T_CPU;
        try {
            Sample s = toClient ? targetToClient(p, bytes, 1000 + round) : clientToTarget(p, bytes, 2000 + round);
            ctx.results().add(speed, p.kind, s.mibPerSecond());
            ctx.results().add(cpu, p.kind, s.cpuPerGib());
            ctx.say("  %-8s %s %7.0f MiB/s  %.2f CPU-s/GiB", p.kind.label, toClient ? "target→client" : "client→target",
                    s.mibPerSecond(), s.cpuPerGib());
        } catch (IOException | RuntimeException e) {
            ctx.failed(speed, p.kind, Ctx.describe(e));
            ctx.failed(cpu, p.kind, "no valid transfer");
        }
    }

    static Sample targetToClient(ProxyProcess p, long bytes, int seed) throws IOException {
        try (Link link = p.open(256 * 1024); Watchdog.Guard g = Watchdog.guard(link, timeoutMillis(bytes))) {
            Pattern.Checker checker = new Pattern.Checker(seed);
            double cpu0 = ProcStats.cpuSeconds(p.pid());
            long t0 = System.nanoTime();
            link.send(new TargetRequest(TargetRequest.Mode.SOURCE, seed, bytes).encode());
            while (checker.bytes() < bytes) {
                if (link.receive(checker::accept) < 0) {
                    throw new IOException(g.fired() ? "timed out after " + checker.bytes() + " bytes"
                            : "connection ended after " + checker.bytes() + " of " + bytes + " bytes (close "
                            + link.closeCode() + " " + link.closeReason() + ")");
                }
            }
            long t1 = System.nanoTime();
            double cpu = ProcStats.cpuSeconds(p.pid()) - cpu0;
            if (checker.bytes() != bytes) {
                throw new IOException("received " + checker.bytes() + " bytes, " + bytes + " were sent");
            }
            if (!checker.ok()) {
                throw new IOException(checker.problem());
            }
            link.finish();
            return sample(bytes, t1 - t0, cpu);
        }
    }

    @SuppressWarnings("try") // the watchdog guard only needs closing
    static Sample clientToTarget(ProxyProcess p, long bytes, int seed) throws IOException {
        try (Link link = p.open(FRAME); Watchdog.Guard g = Watchdog.guard(link, timeoutMillis(bytes))) {
            double cpu0 = ProcStats.cpuSeconds(p.pid());
            long t0 = System.nanoTime();
            link.send(new TargetRequest(TargetRequest.Mode.SINK, seed, bytes).encode());
            for (long off = 0; off < bytes; off += FRAME) {
                link.send(Pattern.slice(seed, off, (int) Math.min(FRAME, bytes - off)));
            }
            ByteBuffer answer = ByteBuffer.allocate(1);
            while (answer.hasRemaining()) {
                long n = link.receive(b -> {
                    while (b.hasRemaining() && answer.hasRemaining()) {
                        answer.put(b.get());
                    }
                    b.position(b.limit());
                });
                if (n < 0) {
                    throw new IOException("connection ended before the target confirmed (close " + link.closeCode()
                            + " " + link.closeReason() + ")");
                }
            }
            long t1 = System.nanoTime();
            double cpu = ProcStats.cpuSeconds(p.pid()) - cpu0;
            if (answer.get(0) != TargetRequest.SINK_OK) {
                throw new IOException("the target received wrong data");
            }
            link.finish();
            return sample(bytes, t1 - t0, cpu);
        }
    }

    private static Sample sample(long bytes, long nanos, double cpuSeconds) {
        double mib = bytes / 1048576.0;
        return new Sample(mib / (nanos / 1e9), cpuSeconds / (bytes / 1073741824.0));
    }

    private static long timeoutMillis(long bytes) {
        return Math.max(60_000, bytes / (10 << 20) * 1000);
    }
}
