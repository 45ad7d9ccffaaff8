package io.websockify.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of issue 6, checked against one run's figures. A goal that needs a figure this run lacks (a proxy not
 * installed, a scenario not run, a failed check) is "n/a", never a pass.
 */
final class Goals {
    enum Verdict { PASS, FAIL, NA }

    record Outcome(String goal, Verdict verdict, String detail) {
    }

    private Goals() {
    }

    /**
     * @param idleWanted the highest idle step asked for
     * @param idleLimit  the highest step our proxy's descriptor limit allowed, if lower than {@code idleWanted}
     *                   (0 when it was not lowered)
     */
    static List<Outcome> check(Results r, int idleWanted, int idleLimit) {
        List<Outcome> out = new ArrayList<>();
        ratio(out, r, "target→client MiB/s ≥ 1.2× upstream", Metric.T2C_MIBPS, ProxyKind.UPSTREAM, true, 1.2);
        ratio(out, r, "target→client CPU-s/GiB ≤ 0.8× upstream", Metric.T2C_CPU, ProxyKind.UPSTREAM, false, 0.8);
        ratio(out, r, "target→client MiB/s within 10% of socat", Metric.T2C_MIBPS, ProxyKind.SOCAT, true, 0.9);
        ratio(out, r, "client→target MiB/s ≥ 2.5× upstream", Metric.C2T_MIBPS, ProxyKind.UPSTREAM, true, 2.5);
        ratio(out, r, "client→target CPU-s/GiB ≤ 0.4× upstream", Metric.C2T_CPU, ProxyKind.UPSTREAM, false, 0.4);
        for (int size : new int[] {1, 64}) {
            List<Metric> m = Metric.rtt(size);
            ratio(out, r, "round trip " + size + " B p50 ≤ upstream", m.get(0), ProxyKind.UPSTREAM, false, 1.0);
            ratio(out, r, "round trip " + size + " B p50 ≤ 1.5× socat", m.get(0), ProxyKind.SOCAT, false, 1.5);
            ratio(out, r, "round trip " + size + " B p99 ≤ upstream", m.get(1), ProxyKind.UPSTREAM, false, 1.0);
        }
        ratio(out, r, "256 busy sessions: aggregate ≥ 2.5× upstream", Metric.busyMibps(256), ProxyKind.UPSTREAM, true, 2.5);
        absolute(out, r, "256 busy sessions: fair within 2× (min/max ≥ 0.5)", Metric.busyFairness(256), true, 0.5);
        double held = r.value(Metric.IDLE_MAX, ProxyKind.OURS);
        String name = String.format("%,d concurrent idle sessions with -Xmx512m", idleWanted);
        if (Double.isNaN(held)) {
            out.add(new Outcome(name, Verdict.NA, why(r, Metric.IDLE_MAX)));
        } else if (held >= idleWanted) {
            out.add(new Outcome(name, Verdict.PASS, String.format("held %,.0f", held)));
        } else if (idleLimit > 0 && held >= idleLimit) {
            out.add(new Outcome(name, Verdict.NA, String.format("held %,.0f, all the descriptor limit allows here "
                    + "(two per session)", held)));
        } else {
            out.add(new Outcome(name, Verdict.FAIL, String.format("held %,.0f", held)));
        }
        absolute(out, r, "idle sessions: < 25 MiB per 1,000 (process PSS)", Metric.IDLE_PSS, false, 25);
        ratio(out, r, "churn ≥ 5× upstream", Metric.CHURN, ProxyKind.UPSTREAM, true, 5);
        absolute(out, r, "slow consumer: RSS growth < 16 MiB", Metric.SLOW_RSS, false, 16);
        return out;
    }

    private static void ratio(List<Outcome> out, Results r, String name, Metric m, ProxyKind ref, boolean atLeast,
                              double factor) {
        double ours = r.value(m, ProxyKind.OURS);
        double other = r.value(m, ref);
        if (Double.isNaN(ours) || Double.isNaN(other) || other == 0) {
            String missing = Double.isNaN(ours) ? "ours: " + why(r, m, ProxyKind.OURS) : ref.label + ": " + why(r, m, ref);
            out.add(new Outcome(name, Verdict.NA, missing));
            return;
        }
        double q = ours / other;
        boolean pass = atLeast ? q >= factor : q <= factor;
        out.add(new Outcome(name, pass ? Verdict.PASS : Verdict.FAIL,
                String.format("%.2f× %s (goal %s %.2f×)", q, ref.label, atLeast ? "≥" : "≤", factor)));
    }

    private static void absolute(List<Outcome> out, Results r, String name, Metric m, boolean atLeast, double bound) {
        double ours = r.value(m, ProxyKind.OURS);
        if (Double.isNaN(ours)) {
            out.add(new Outcome(name, Verdict.NA, why(r, m)));
            return;
        }
        boolean pass = atLeast ? ours >= bound : ours < bound;
        out.add(new Outcome(name, pass ? Verdict.PASS : Verdict.FAIL,
                String.format("%." + m.decimals() + "f %s", ours, m.unit())));
    }

    private static String why(Results r, Metric m) {
        return why(r, m, ProxyKind.OURS);
    }

    private static String why(Results r, Metric m, ProxyKind p) {
        String f = r.failure(m, p);
        return f != null ? f : "not measured";
    }
}
