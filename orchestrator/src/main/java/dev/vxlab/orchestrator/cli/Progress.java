package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.Report;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One line per step and node as it happens ("[agent] kube1 lease 10.244.34.0/24 (0.41 s)"), timings at the end. */
final class Progress implements Report {
    private final PrintWriter out;
    private final boolean quiet;
    private final Map<String, Long> stepNanos = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();
    private String current;
    private long started;

    Progress(PrintWriter out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    @Override
    public synchronized void step(String name) {
        end();
        current = name;
        started = System.nanoTime();
        order.add(name);
    }

    @Override
    public synchronized void line(String text) {
        if (!quiet) {
            out.printf("[%s] %s (%.2f s)%n", current, text, (System.nanoTime() - started) / 1e9);
            out.flush();
        }
    }

    void end() {
        if (current != null && !stepNanos.containsKey(current)) {
            stepNanos.put(current, System.nanoTime() - started);
        }
    }

    Map<String, Double> seconds() {
        end();
        Map<String, Double> m = new LinkedHashMap<>();
        stepNanos.forEach((k, v) -> m.put(k, v / 1e9));
        return m;
    }

    String summary() {
        StringBuilder sb = new StringBuilder("timings:");
        double total = 0;
        for (var e : seconds().entrySet()) {
            sb.append(String.format(" %s %.2f s,", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        return sb.append(String.format(" total %.2f s", total)).toString();
    }
}
