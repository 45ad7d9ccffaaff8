package io.websockify.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the figures of a run as a table with ratios and goal verdicts, and writes them as JSON. */
final class Report {
    private Report() {
    }

    static void print(PrintStream out, Results r, List<Goals.Outcome> goals, Map<String, Object> machine) {
        String[] head = {"metric", "unit", "ours", "upstream", "socat", "ours/upstr", "ours/socat"};
        List<String[]> rows = new ArrayList<>();
        List<String> footnotes = new ArrayList<>();
        for (Metric m : r.metrics()) {
            String[] row = new String[7];
            row[0] = m.label();
            row[1] = m.unit();
            int col = 2;
            for (ProxyKind p : ProxyKind.values()) {
                String f = r.failure(m, p);
                if (f != null) {
                    footnotes.add(p.label + " / " + m.label() + ": " + f);
                    row[col++] = "FAILED[" + footnotes.size() + "]";
                } else {
                    double v = r.value(m, p);
                    row[col++] = Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,." + m.decimals() + "f", v);
                }
            }
            row[5] = ratio(r, m, ProxyKind.UPSTREAM);
            row[6] = ratio(r, m, ProxyKind.SOCAT);
            rows.add(row);
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] row : rows) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        out.println();
        out.println("Machine: " + machine.get("cpu") + ", " + machine.get("cores") + " cores, load before "
                + machine.get("loadavg_start") + ", after " + machine.get("loadavg_end"));
        line(out, head, w);
        StringBuilder sep = new StringBuilder();
        for (int x : w) {
            sep.append("-".repeat(x)).append("  ");
        }
        out.println(sep.toString().stripTrailing());
        for (String[] row : rows) {
            line(out, row, w);
        }
        for (int i = 0; i < footnotes.size(); i++) {
            out.println("  [" + (i + 1) + "] " + footnotes.get(i));
        }
        out.println();
        out.println("Goals (issue 6):");
        for (Goals.Outcome g : goals) {
            out.printf("  %-4s  %-55s %s%n", g.verdict() == Goals.Verdict.NA ? "n/a" : g.verdict(), g.goal(), g.detail());
        }
        for (String n : r.notes()) {
            out.println("Note: " + n);
        }
    }

    private static String ratio(Results r, Metric m, ProxyKind ref) {
        double a = r.value(m, ProxyKind.OURS);
        double b = r.value(m, ref);
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            sb.append(i < 2 ? pad(c, w[i]) : padLeft(c, w[i])).append("  ");
        }
        out.println(sb.toString().stripTrailing());
    }

    private static String pad(String s, int n) {
        return s + " ".repeat(Math.max(0, n - s.length()));
    }

    private static String padLeft(String s, int n) {
        return " ".repeat(Math.max(0, n - s.length())) + s;
    }

    static Path writeJson(Path dir, Results r, List<Goals.Outcome> goals, Map<String, Object> machine,
                          Map<String, Object> options) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("options", options);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Metric m : r.metrics()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", m.label());
            e.put("unit", m.unit());
            e.put("higher_is_better", m.higherIsBetter());
            for (ProxyKind p : ProxyKind.values()) {
                Map<String, Object> pv = new LinkedHashMap<>();
                pv.put("median", r.value(m, p));
                pv.put("rounds", r.rounds(m, p));
                pv.put("error", r.failure(m, p));
                e.put(p.label, pv);
            }
            double up = r.value(m, ProxyKind.UPSTREAM);
            double so = r.value(m, ProxyKind.SOCAT);
            double ours = r.value(m, ProxyKind.OURS);
            e.put("ours_vs_upstream", ours / up);
            e.put("ours_vs_socat", ours / so);
            metrics.put(m.key(), e);
        }
        root.put("metrics", metrics);
        List<Map<String, Object>> g = new ArrayList<>();
        for (Goals.Outcome o : goals) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("goal", o.goal());
            e.put("verdict", o.verdict().name().toLowerCase(Locale.ROOT));
            e.put("detail", o.detail());
            g.add(e);
        }
        root.put("goals", g);
        root.put("details", r.details());
        root.put("notes", r.notes());
        Files.createDirectories(dir);
        Path file = dir.resolve("results.json");
        Files.writeString(file, Json.write(root));
        return file;
    }
}
