package io.websockify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 4: open idle sessions in steps (each one checked with an echo when opened, and all of them again at
 * every step), measure the proxy's memory at each step and the rate at which sessions opened. Memory per 1,000
 * sessions is the growth from the fresh proxy's level to the highest step every session survived.
 *
 * <p>Each session costs the proxy two descriptors (client and target), so a step beyond what the proxy's
 * descriptor limit allows is lowered to fit and the report says so.
 */
final class IdleSessions {
    private IdleSessions() {
    }

    /** Runs the steps; returns the highest step the descriptor limits allowed if lower than asked, else 0. */
    static int run(Ctx ctx, ProxyProcess p) {
        BenchOptions o = ctx.options();
        List<Integer> steps = steps(ctx, p);
        int clip = 0;
        int wanted = o.idleSteps().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (p.kind == ProxyKind.OURS && steps.get(steps.size() - 1) < wanted) {
            clip = steps.get(steps.size() - 1);
            ctx.results().note(String.format("idle: the descriptor limit allows our proxy at most %,d sessions (%s)",
                    clip, fdText(p)));
        }
        ctx.say("idle: %s, steps %s", p.kind.label, steps);
        List<Link> links = Collections.synchronizedList(new ArrayList<>());
        List<Map<String, Object>> table = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                p.probe();
            }
            Reaper.sleepQuietly(1000);
            ProcStats.Memory base = ProcStats.memory(p.pid());
            Jcmd.Heap heapBase = p.kind == ProxyKind.OURS ? Jcmd.heap(p.pid(), false) : null;
            Jcmd.Heap liveBase = p.kind == ProxyKind.OURS ? Jcmd.heap(p.pid(), true) : null;
            table.add(row(0, 0, base, heapBase, liveBase, Double.NaN));
            int held = 0;
            double openSeconds = 0;
            int opened = 0;
            Map<String, Object> lastGood = null;
            for (int step : steps) {
                if (availableMib() < 4096) {
                    ctx.results().note("idle: " + p.kind.label + " stopped before " + step
                            + " sessions: less than 4 GiB of memory left on the machine");
                    break;
                }
                long t0 = System.nanoTime();
                String error = openUpTo(p, links, step, o.idleOpeners());
                double secs = (System.nanoTime() - t0) / 1e9;
                int newOnes = links.size() - opened;
                openSeconds += secs;
                opened = links.size();
                double rate = newOnes / secs;
                Reaper.sleepQuietly(o.quick() ? 500 : 1500);
                ProcStats.Memory m = ProcStats.memory(p.pid());
                Jcmd.Heap heap = p.kind == ProxyKind.OURS ? Jcmd.heap(p.pid(), false) : null;
                Jcmd.Heap live = p.kind == ProxyKind.OURS ? Jcmd.heap(p.pid(), true) : null;
                int alive = checkAlive(links, o.idleOpeners());
                Map<String, Object> r = row(links.size(), alive, m, heap, live, rate);
                table.add(r);
                ctx.say("  %-8s %,6d sessions (%,d alive)  RSS %,8.1f MiB  PSS %,8.1f MiB%s  %,.0f sessions/s%s",
                        p.kind.label, links.size(), alive, m.rssMib(), m.pssMib(),
                        live != null ? String.format("  heap %,.1f MiB used, %,.1f MiB live", heap.usedKib() / 1024.0,
                                live.usedKib() / 1024.0) : "",
                        rate, error != null ? "  (" + error + ")" : "");
                if (p.kind == ProxyKind.OURS) {
                    saveHistogram(ctx, p, links.size());
                }
                if (alive == links.size() && error == null) {
                    held = alive;
                    lastGood = r;
                } else {
                    if (alive == links.size() && alive > 0) {
                        held = alive;
                        lastGood = r;
                    }
                    break;
                }
            }
            ctx.results().add(Metric.IDLE_MAX, p.kind, held);
            if (opened > 0) {
                ctx.results().add(Metric.IDLE_RATE, p.kind, opened / openSeconds);
            }
            if (lastGood != null && held > 0) {
                double per = 1000.0 / held;
                ctx.results().add(Metric.IDLE_PSS, p.kind, ((double) lastGood.get("pss_mib") - base.pssMib()) * per);
                ctx.results().add(Metric.IDLE_RSS, p.kind, ((double) lastGood.get("rss_mib") - base.rssMib()) * per);
                if (heapBase != null && lastGood.get("heap_used_mib") instanceof Double used) {
                    ctx.results().add(Metric.IDLE_HEAP_USED, p.kind, (used - heapBase.usedKib() / 1024.0) * per);
                }
                if (liveBase != null && lastGood.get("heap_live_mib") instanceof Double live) {
                    ctx.results().add(Metric.IDLE_HEAP_LIVE, p.kind, (live - liveBase.usedKib() / 1024.0) * per);
                }
            } else {
                ctx.failed(Metric.IDLE_PSS, p.kind, "no step completed");
            }
        } catch (IOException | RuntimeException e) {
            ctx.failed(Metric.IDLE_MAX, p.kind, Ctx.describe(e));
        } finally {
            ctx.results().detail("idle_steps_" + p.kind.label, table);
            long t0 = System.nanoTime();
            synchronized (links) {
                for (Link l : links) {
                    try {
                        l.close();
                    } catch (IOException e) {
                        // already gone
                    }
                }
            }
            ctx.say("  closed %,d sessions in %.1f s", links.size(), (System.nanoTime() - t0) / 1e9);
        }
        return clip;
    }

    /** Keeps the top of our proxy's heap histogram at this step, to show what an idle session holds. */
    private static void saveHistogram(Ctx ctx, ProxyProcess p, int sessions) {
        String h = Jcmd.run(p.pid(), "GC.class_histogram");
        if (h == null) {
            return;
        }
        String top = h.lines().limit(45).reduce("", (a, b) -> a + b + "\n");
        try {
            Files.writeString(ctx.options().outDir().resolve("ours-idle-histogram-" + sessions + ".txt"), top);
        } catch (IOException e) {
            ctx.say("  could not save the heap histogram: %s", Ctx.describe(e));
        }
    }

    /** The configured steps, capped for the forking references and to what descriptor limits allow. */
    private static List<Integer> steps(Ctx ctx, ProxyProcess p) {
        BenchOptions o = ctx.options();
        long cap = Long.MAX_VALUE;
        if (p.kind != ProxyKind.OURS) {
            cap = o.idleReferenceMax();
        } else {
            long limit = ProcStats.openFileLimit(p.pid());
            if (limit > 0) {
                cap = (limit - openFiles(p.pid()) - 64) / 2;
            }
        }
        long self = ProcStats.openFileLimit(ProcessHandle.current().pid());
        if (self > 0) {
            cap = Math.min(cap, self - openFiles(ProcessHandle.current().pid()) - 256);
        }
        List<Integer> steps = new ArrayList<>();
        for (int s : o.idleSteps()) {
            if (s <= cap) {
                steps.add(s);
            } else {
                if (steps.isEmpty() || steps.get(steps.size() - 1) < cap) {
                    steps.add((int) cap);
                }
                break;
            }
        }
        return steps;
    }

    private static String fdText(ProxyProcess p) {
        return "open-files limit " + ProcStats.openFileLimit(p.pid()) + ", two per session; this machine's hard limit "
                + "cannot be raised without CAP_SYS_RESOURCE";
    }

    private static int openFiles(long pid) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Time one step may take to open its sessions, and again to check them: a stalled proxy ends the stepping. */
    private static final long STEP_MILLIS = 120_000;

    /** Opens sessions on {@code openers} threads until {@code links} has {@code target}; returns the first error. */
    private static String openUpTo(ProxyProcess p, List<Link> links, int target, int openers) {
        AtomicInteger toOpen = new AtomicInteger(target - links.size());
        AtomicReference<String> error = new AtomicReference<>();
        long deadline = System.nanoTime() + STEP_MILLIS * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < openers; t++) {
            Thread th = new Thread(() -> {
                while (error.get() == null && toOpen.getAndDecrement() > 0) {
                    if (System.nanoTime() > deadline) {
                        error.compareAndSet(null, "step not done within " + STEP_MILLIS / 1000 + " s");
                        break;
                    }
                    try {
                        links.add(openOne(p));
                    } catch (IOException | RuntimeException e) {
                        error.compareAndSet(null, "opening failed at " + links.size() + ": " + Ctx.describe(e));
                    }
                }
            }, "bench-opener");
            threads.add(th);
            th.start();
        }
        join(threads);
        return error.get();
    }

    private static Link openOne(ProxyProcess p) throws IOException {
        Link link = p.open(1024);
        try (Watchdog.Guard g = Watchdog.guard(link, 15_000)) {
            link.send(new TargetRequest(TargetRequest.Mode.ECHO, 9, -1).encode());
            echo(link);
            if (g.fired()) {
                throw new IOException("timed out");
            }
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static void echo(Link link) throws IOException {
        Pattern.Checker c = new Pattern.Checker(9);
        link.send(Pattern.slice(9, 0, 8));
        link.receiveExactly(8, c::accept);
        if (!c.ok() || c.bytes() != 8) {
            throw new IOException("echo came back wrong");
        }
    }

    /** Echoes once through every open session; returns how many answered correctly. */
    @SuppressWarnings("try") // the watchdog guard only needs closing
    private static int checkAlive(List<Link> links, int threads) {
        List<Link> all;
        synchronized (links) {
            all = new ArrayList<>(links);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger alive = new AtomicInteger();
        long deadline = System.nanoTime() + STEP_MILLIS * 1_000_000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                int i;
                // Sessions left unchecked at the deadline count as dead.
                while ((i = next.getAndIncrement()) < all.size() && System.nanoTime() < deadline) {
                    Link l = all.get(i);
                    try (Watchdog.Guard g = Watchdog.guard(l, 5_000)) {
                        echo(l);
                        alive.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        // counted as dead
                    }
                }
            }, "bench-alive");
            ts.add(th);
            th.start();
        }
        join(ts);
        return alive.get();
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Map<String, Object> row(int sessions, int alive, ProcStats.Memory m, Jcmd.Heap heap,
                                           Jcmd.Heap live, double rate) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sessions", sessions);
        r.put("alive", alive);
        r.put("rss_mib", m.rssMib());
        r.put("pss_mib", m.pssMib());
        r.put("processes", m.processes());
        r.put("heap_committed_mib", heap == null ? null : heap.committedKib() / 1024.0);
        r.put("heap_used_mib", heap == null ? null : heap.usedKib() / 1024.0);
        r.put("heap_live_mib", live == null ? null : live.usedKib() / 1024.0);
        r.put("connect_per_s", rate);
        return r;
    }

    private static long availableMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return Long.MAX_VALUE;
    }
}
