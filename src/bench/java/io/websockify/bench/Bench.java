package io.websockify.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load tool of issue 6: measures our proxy side by side with upstream websockify and socat on 127.0.0.1,
 * interleaving the proxies round by round so that the noise of a shared machine hits all of them alike, prints a
 * table with ratios and goal verdicts and writes {@code results.json}. Starts every process it needs (target,
 * proxies) and stops all of them by PID when it ends, also on failure or interrupt.
 *
 * <p>Run it with {@code mvn -B -Pbench verify} (see the README); {@code --help} lists the options.
 */
public final class Bench {
    private boolean oursFailedToStart;

    private Bench() {
    }

    public static void main(String[] args) {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (BenchOptions.UsageError e) {
            if (e.getMessage() != null) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        int code;
        try {
            code = new Bench().run(o);
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: " + Ctx.describe(e));
            e.printStackTrace();
            code = 1;
        } finally {
            Reaper.stopAll();
        }
        System.exit(code);
    }

    private int run(BenchOptions o) throws IOException {
        Files.createDirectories(o.outDir().resolve("logs"));
        PrintStream log = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Results results = new Results();
        Map<String, Object> machine = machine();
        log.printf("websockify benchmark%s: %s, %s cores, %s; output in %s%n", o.quick() ? " (quick)" : "",
                machine.get("cpu"), machine.get("cores"), machine.get("java"), o.outDir());
        long ownLimit = ProcStats.openFileLimit(ProcessHandle.current().pid());
        log.printf("open-files limit: this JVM %d (the launching shell raises it to the hard limit; the JVM itself "
                + "also lifts its soft limit to the hard one), proxies get the same via `ulimit -n` in bash%n", ownLimit);

        List<ProxyKind> kinds = new ArrayList<>();
        for (ProxyKind k : o.proxies()) {
            String missing = k.missing(o);
            if (missing == null) {
                kinds.add(k);
            } else {
                oursFailedToStart |= k == ProxyKind.OURS;
                log.println("skipping " + k.label + ": " + missing);
                results.note("skipped " + k.label + ": " + missing);
            }
        }
        if (kinds.isEmpty()) {
            log.println("bench: no proxy to measure");
            return 1;
        }
        long start = System.nanoTime();
        int idleClip = 0;
        try (TargetProcess target = TargetProcess.start(o.outDir().resolve("logs"))) {
            Ctx ctx = new Ctx(o, results, target.port(), log, start);
            if (o.runs("throughput") || o.runs("latency") || o.runs("busy") || o.runs("churn")) {
                List<ProxyProcess> proxies = startAll(ctx, kinds);
                try {
                    if (o.runs("throughput")) {
                        Throughput.run(ctx, alive(proxies));
                    }
                    if (o.runs("latency")) {
                        Latency.run(ctx, alive(proxies));
                    }
                    if (o.runs("busy")) {
                        Busy.run(ctx, alive(proxies));
                    }
                    if (o.runs("churn")) {
                        Churn.run(ctx, alive(proxies));
                    }
                } finally {
                    proxies.forEach(ProxyProcess::close);
                }
            }
            if (o.runs("slow")) {
                ctx.say("slow consumer: target floods, client reads 1 MiB/s for %.0f s (fresh proxies)", o.slowSeconds());
                for (ProxyKind k : kinds) {
                    try (ProxyProcess p = ProxyProcess.start(k, o, target.port(), List.of())) {
                        SlowConsumer.run(ctx, p);
                    } catch (IOException e) {
                        oursFailedToStart |= k == ProxyKind.OURS;
                        ctx.failed(Metric.SLOW_RSS, k, "could not start: " + Ctx.describe(e));
                    }
                }
            }
            if (o.runs("idle")) {
                for (ProxyKind k : kinds) {
                    try (ProxyProcess p = ProxyProcess.start(k, o, target.port(), List.of())) {
                        int clip = IdleSessions.run(ctx, p);
                        if (k == ProxyKind.OURS) {
                            idleClip = clip;
                        }
                    } catch (IOException e) {
                        oursFailedToStart |= k == ProxyKind.OURS;
                        ctx.failed(Metric.IDLE_MAX, k, "could not start: " + Ctx.describe(e));
                    }
                }
            }
            ctx.say("done");
        }
        machine.put("loadavg_end", loadavg());
        machine.put("seconds", Math.round((System.nanoTime() - start) / 1e9));
        int idleWanted = o.idleSteps().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Goals.Outcome> goals = Goals.check(results, idleWanted, idleClip);
        Report.print(log, results, goals, machine);
        Path json = Report.writeJson(o.outDir(), results, goals, machine, options(o));
        log.println("JSON: " + json);
        if (o.proxies().contains(ProxyKind.OURS) && oursFailedToStart) {
            // The references may be skipped when not installed; our own proxy must run, or the run is worthless.
            log.println("bench: our proxy could not be started (see the logs in " + o.outDir().resolve("logs") + ")");
            return 1;
        }
        return 0;
    }

    private List<ProxyProcess> startAll(Ctx ctx, List<ProxyKind> kinds) {
        List<ProxyProcess> out = new ArrayList<>();
        for (ProxyKind k : kinds) {
            try {
                ProxyProcess p = ProxyProcess.start(k, ctx.options(), ctx.targetPort(), List.of());
                ctx.say("started %s (pid %d, log %s)", k.label, p.pid(), p.log());
                out.add(p);
            } catch (IOException e) {
                oursFailedToStart |= k == ProxyKind.OURS;
                ctx.say("could not start %s: %s", k.label, Ctx.describe(e));
                ctx.results().note("could not start " + k.label + ": " + Ctx.describe(e));
            }
        }
        return out;
    }

    /** Proxies still running; one that died is left out of later scenarios (and says so). */
    private static List<ProxyProcess> alive(List<ProxyProcess> proxies) {
        return proxies.stream().filter(ProxyProcess::alive).toList();
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_mib", memTotalMib());
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        m.put("upstream", command("dpkg-query", "-W", "-f", "${Version}", "websockify"));
        m.put("socat", firstLine(command("socat", "-V")));
        m.put("loadavg_start", loadavg());
        return m;
    }

    private static Map<String, Object> options(BenchOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quick", o.quick());
        m.put("scenarios", List.copyOf(o.scenarios()));
        m.put("proxies", o.proxies().stream().map(k -> k.label).toList());
        m.put("rounds", o.rounds());
        m.put("transfer_bytes", o.transferBytes());
        m.put("directions", List.copyOf(o.directions()));
        m.put("latency_count", o.latencyCount());
        m.put("busy_sessions", o.busySessions());
        m.put("busy_seconds", o.busySeconds());
        m.put("idle_steps", o.idleSteps());
        m.put("idle_reference_max", o.idleReferenceMax());
        m.put("churn_seconds", o.churnSeconds());
        m.put("churn_workers", o.churnWorkers());
        m.put("slow_seconds", o.slowSeconds());
        m.put("ours_jvm", o.oursJvm());
        m.put("protocol", o.protocol());
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // unknown
        }
        return "unknown CPU";
    }

    private static long memTotalMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Reaper.register(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            Reaper.stop(p);
            return p.exitValue() == 0 ? out : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        for (String line : s.split("\n")) {
            if (line.contains("version")) {
                return line.trim();
            }
        }
        return s.split("\n")[0];
    }
}
