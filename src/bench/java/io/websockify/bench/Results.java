package io.websockify.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure measured in one run: per metric and proxy the value of each round, or why it could not be
 * measured (a failed data check makes a figure invalid, never fast). Also free-form details (idle steps) and
 * notes for the report. Thread-safe.
 */
final class Results {
    private final Map<Metric, Map<ProxyKind, List<Double>>> values = new LinkedHashMap<>();
    private final Map<Metric, Map<ProxyKind, String>> failures = new LinkedHashMap<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    synchronized void add(Metric m, ProxyKind p, double v) {
        values.computeIfAbsent(m, k -> new LinkedHashMap<>()).computeIfAbsent(p, k -> new ArrayList<>()).add(v);
    }

    synchronized void fail(Metric m, ProxyKind p, String why) {
        failures.computeIfAbsent(m, k -> new LinkedHashMap<>()).putIfAbsent(p, why);
    }

    synchronized void detail(String key, Object value) {
        details.put(key, value);
    }

    synchronized void note(String s) {
        notes.add(s);
    }

    synchronized List<Metric> metrics() {
        List<Metric> all = new ArrayList<>(values.keySet());
        for (Metric m : failures.keySet()) {
            if (!all.contains(m)) {
                all.add(m);
            }
        }
        return all;
    }

    /** The median over rounds, or NaN if there is none or the figure failed. */
    synchronized double value(Metric m, ProxyKind p) {
        if (failure(m, p) != null) {
            return Double.NaN;
        }
        List<Double> v = values.getOrDefault(m, Map.of()).get(p);
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(v);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    synchronized List<Double> rounds(Metric m, ProxyKind p) {
        return List.copyOf(values.getOrDefault(m, Map.of()).getOrDefault(p, List.of()));
    }

    synchronized String failure(Metric m, ProxyKind p) {
        return failures.getOrDefault(m, Map.of()).get(p);
    }

    synchronized Map<String, Object> details() {
        return new LinkedHashMap<>(details);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }
}
