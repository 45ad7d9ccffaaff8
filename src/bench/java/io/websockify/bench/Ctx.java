package io.websockify.bench;

import java.io.PrintStream;
import java.util.Locale;

/** What every scenario needs: the options, where figures go, the target's port, and the progress log. */
record Ctx(BenchOptions options, Results results, int targetPort, PrintStream log, long startNanos) {

    void say(String format, Object... args) {
        double t = (System.nanoTime() - startNanos) / 1e9;
        log.printf(Locale.ROOT, "[%6.1fs] %s%n", t, String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /** Records why {@code m} could not be measured for {@code p}, and says so. */
    void failed(Metric m, ProxyKind p, String why) {
        results.fail(m, p, why);
        say("  %s: %s FAILED: %s", p.label, m.label(), why);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
