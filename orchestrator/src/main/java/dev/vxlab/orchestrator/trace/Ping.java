package dev.vxlab.orchestrator.trace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one ping of a trace: whether the reply came, its round trip, and ping's own summary line. */
public record Ping(boolean replied, Double rttMs, String summary) {
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

    /** From ping's exit code and output ({@code ping -c 1}). */
    public static Ping parse(int exitCode, String output) {
        Matcher m = RTT.matcher(output);
        Double rtt = m.find() ? Double.valueOf(m.group(1)) : null;
        String summary = output.lines().filter(l -> l.contains("packets transmitted") || l.contains("unreachable")
                || l.startsWith("ping:")).findFirst().orElse(output.strip().lines().reduce((a, b) -> b).orElse("")).strip();
        return new Ping(exitCode == 0 && rtt != null, rtt, summary);
    }
}
