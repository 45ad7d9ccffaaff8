package io.websockify.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What to run and how big. {@link #parse} starts from the full-run defaults (about 10 minutes on a 2-core machine)
 * or, with {@code --quick}, from a smoke-test size (under two minutes); later options override either.
 */
record BenchOptions(
        Set<String> scenarios,
        List<ProxyKind> proxies,
        int rounds,
        long transferBytes,
        Set<String> directions,
        int latencyCount,
        List<Integer> busySessions,
        double busySeconds,
        List<Integer> idleSteps,
        int idleReferenceMax,
        int idleOpeners,
        double churnSeconds,
        int churnWorkers,
        double slowSeconds,
        Path jar,
        List<String> oursJvm,
        Path outDir,
        String protocol,
        int startTimeoutSeconds,
        boolean quick) {

    static final List<String> ALL_SCENARIOS = List.of("throughput", "latency", "busy", "churn", "slow", "idle");

    static final String USAGE = """
            Usage: Bench [options]
              --quick                 small sizes for a smoke run (under ~2 minutes)
              --scenarios LIST        any of throughput,latency,busy,churn,slow,idle (default: all)
              --proxies LIST          any of ours,upstream,socat (default: all that are installed)
              --rounds N              interleaved rounds per scenario (default 3; quick 1)
              --bytes SIZE            bytes per throughput transfer, e.g. 1g, 256m (default 1g; quick 64m)
              --directions LIST       throughput directions: t2c (target→client), c2t (client→target) (default both)
              --latency-count N       round trips per message size and round (default 20000; quick 2000)
              --busy LIST             busy session counts (default 64,256)
              --busy-seconds S        measuring time per busy run (default 4; quick 1.5)
              --idle-steps LIST       idle session counts to step through (default 1000,2500,5000,7500,10000; quick 250,1000)
              --idle-reference-max N  highest idle step for upstream and socat, which fork per session (default 1000; quick 500)
              --churn-seconds S       time per churn run (default 4; quick 1.5)
              --churn-workers N       concurrent open/echo/close loops (default 8)
              --slow-seconds S        time the slow consumer reads at 1 MiB/s (default 20; quick 5)
              --jar PATH              our standalone jar (default target/websockify.jar)
              --ours-jvm "OPTS"       JVM options for our proxy (default -Xmx512m)
              --out DIR               where results and logs go (default target/bench)
              --protocol P            subprotocol the clients offer: binary or none (default binary)
            """;

    static BenchOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        Set<String> scenarios = new LinkedHashSet<>(ALL_SCENARIOS);
        List<ProxyKind> proxies = List.of(ProxyKind.values());
        int rounds = quick ? 1 : 3;
        long bytes = quick ? 64L << 20 : 1L << 30;
        Set<String> directions = new LinkedHashSet<>(List.of("t2c", "c2t"));
        int latency = quick ? 2000 : 20000;
        List<Integer> busy = List.of(64, 256);
        double busySeconds = quick ? 1.5 : 4;
        List<Integer> idle = quick ? List.of(250, 1000) : List.of(1000, 2500, 5000, 7500, 10000);
        int idleRef = quick ? 500 : 1000;
        double churn = quick ? 1.5 : 4;
        int churnWorkers = 8;
        double slow = quick ? 5 : 20;
        Path jar = Path.of("target", "websockify.jar");
        List<String> oursJvm = List.of("-Xmx512m");
        Path out = Path.of("target", "bench");
        String protocol = "binary";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank() || a.equals("--quick")) {
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new UsageError(null);
            }
            if (i + 1 >= args.length) {
                throw new UsageError("option " + a + " needs a value");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--scenarios" -> {
                        scenarios = new LinkedHashSet<>();
                        for (String s : list(v)) {
                            if (!ALL_SCENARIOS.contains(s)) {
                                throw new UsageError("unknown scenario '" + s + "' in --scenarios");
                            }
                            scenarios.add(s);
                        }
                    }
                    case "--proxies" -> {
                        List<ProxyKind> p = new ArrayList<>();
                        for (String s : list(v)) {
                            p.add(ProxyKind.of(s));
                        }
                        proxies = List.copyOf(p);
                    }
                    case "--rounds" -> rounds = positive(a, Integer.parseInt(v));
                    case "--bytes" -> bytes = size(v);
                    case "--directions" -> {
                        directions = new LinkedHashSet<>(list(v));
                        if (directions.isEmpty() || !List.of("t2c", "c2t").containsAll(directions)) {
                            throw new UsageError("--directions takes t2c, c2t or both");
                        }
                    }
                    case "--latency-count" -> latency = positive(a, Integer.parseInt(v));
                    case "--busy" -> busy = ints(v);
                    case "--busy-seconds" -> busySeconds = Double.parseDouble(v);
                    case "--idle-steps" -> idle = ints(v);
                    case "--idle-reference-max" -> idleRef = positive(a, Integer.parseInt(v));
                    case "--churn-seconds" -> churn = Double.parseDouble(v);
                    case "--churn-workers" -> churnWorkers = positive(a, Integer.parseInt(v));
                    case "--slow-seconds" -> slow = Double.parseDouble(v);
                    case "--jar" -> jar = Path.of(v);
                    case "--ours-jvm" -> oursJvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                    case "--out" -> out = Path.of(v);
                    case "--protocol" -> protocol = v.equals("none") ? null : v;
                    default -> throw new UsageError("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new UsageError("bad number '" + v + "' for " + a);
            }
        }
        return new BenchOptions(scenarios, proxies, rounds, bytes, directions, latency, busy, busySeconds, idle, idleRef,
                16, churn, churnWorkers, slow, jar.toAbsolutePath(), oursJvm, out.toAbsolutePath(), protocol, 90,
                quick);
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<Integer> ints(String v) {
        return list(v).stream().map(Integer::parseInt).map(n -> positive("list", n)).toList();
    }

    private static int positive(String what, int n) {
        if (n <= 0) {
            throw new UsageError(what + " must be positive");
        }
        return n;
    }

    static long size(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        long n = (long) (Double.parseDouble(s) * unit);
        if (n <= 0) {
            throw new UsageError("size must be positive: " + v);
        }
        return n;
    }

    /** A bad command line; the message says what is wrong (null: just print usage). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
