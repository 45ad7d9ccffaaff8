package io.websockify.bench;

import java.util.List;

/**
 * One figure the benchmark reports for each proxy: its key in the JSON, the table label, the unit and which
 * direction is better. The figure of a proxy is the median of its rounds.
 */
record Metric(String key, String label, String unit, boolean higherIsBetter, int decimals) {
    static final Metric T2C_MIBPS = new Metric("t2c.mib_per_s", "target→client throughput", "MiB/s", true, 0);
    static final Metric T2C_CPU = new Metric("t2c.cpu_s_per_gib", "target→client proxy CPU", "CPU-s/GiB", false, 2);
    static final Metric C2T_MIBPS = new Metric("c2t.mib_per_s", "client→target throughput (64 KiB frames)", "MiB/s", true, 0);
    static final Metric C2T_CPU = new Metric("c2t.cpu_s_per_gib", "client→target proxy CPU", "CPU-s/GiB", false, 2);
    static final Metric RTT1_P50 = new Metric("rtt1.p50_us", "round trip 1 B p50", "µs", false, 1);
    static final Metric RTT1_P99 = new Metric("rtt1.p99_us", "round trip 1 B p99", "µs", false, 1);
    static final Metric RTT1_P999 = new Metric("rtt1.p999_us", "round trip 1 B p99.9", "µs", false, 1);
    static final Metric RTT64_P50 = new Metric("rtt64.p50_us", "round trip 64 B p50", "µs", false, 1);
    static final Metric RTT64_P99 = new Metric("rtt64.p99_us", "round trip 64 B p99", "µs", false, 1);
    static final Metric RTT64_P999 = new Metric("rtt64.p999_us", "round trip 64 B p99.9", "µs", false, 1);
    static final Metric CHURN = new Metric("churn.cycles_per_s", "open-handshake-echo-close cycles", "1/s", true, 0);
    static final Metric SLOW_RSS = new Metric("slow.rss_growth_mib", "slow consumer: RSS growth", "MiB", false, 1);
    static final Metric SLOW_PSS = new Metric("slow.pss_growth_mib", "slow consumer: PSS growth", "MiB", false, 1);
    static final Metric SLOW_HEAP = new Metric("slow.live_heap_growth_mib", "slow consumer: live heap growth", "MiB", false, 1);
    static final Metric IDLE_MAX = new Metric("idle.max_sessions", "idle sessions held (highest step)", "sessions", true, 0);
    static final Metric IDLE_PSS = new Metric("idle.pss_mib_per_1000", "memory per 1,000 idle sessions (PSS)", "MiB", false, 1);
    static final Metric IDLE_RSS = new Metric("idle.rss_mib_per_1000", "memory per 1,000 idle sessions (RSS)", "MiB", false, 1);
    static final Metric IDLE_HEAP_USED = new Metric("idle.heap_used_mib_per_1000", "heap used per 1,000 idle (before GC)", "MiB", false, 1);
    static final Metric IDLE_HEAP_LIVE = new Metric("idle.heap_live_mib_per_1000", "live heap per 1,000 idle (after GC)", "MiB", false, 1);
    static final Metric IDLE_RATE = new Metric("idle.connect_per_s", "connection rate while stepping up", "sessions/s", true, 0);

    static Metric busyMibps(int n) {
        return new Metric("busy" + n + ".mib_per_s", n + " busy sessions: aggregate", "MiB/s", true, 0);
    }

    static Metric busyFairness(int n) {
        return new Metric("busy" + n + ".fairness", n + " busy sessions: min/max per session", "ratio", true, 2);
    }

    static Metric busyCpu(int n) {
        return new Metric("busy" + n + ".cpu_s_per_gib", n + " busy sessions: proxy CPU", "CPU-s/GiB", false, 2);
    }

    static List<Metric> rtt(int size) {
        return size == 1 ? List.of(RTT1_P50, RTT1_P99, RTT1_P999) : List.of(RTT64_P50, RTT64_P99, RTT64_P999);
    }
}
