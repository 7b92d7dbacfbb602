package dev.vxlab.orchestrator.fake;

import dev.vxlab.orchestrator.lab.Host;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * This machine, written by hand: commands answer by rule (the latest rule whose text the command line contains;
 * none: exit 0, no output), spawned processes get made-up PIDs and stay alive until stopped, sleeping takes no
 * time. Every call goes to the shared {@link Events} as "host run CMD", "host spawn CMD", "host stop PIDS".
 */
public final class FakeHost implements Host {
    private final Events events;
    private final List<Map.Entry<String, Function<List<String>, Result>>> rules = new CopyOnWriteArrayList<>();
    private final List<Long> alive = new CopyOnWriteArrayList<>();
    private final AtomicLong nextPid = new AtomicLong(4000);
    private final Map<Long, List<String>> commandLines = new java.util.concurrent.ConcurrentHashMap<>();

    public FakeHost(Events events) {
        this.events = events;
    }

    public FakeHost on(String text, Function<List<String>, Result> answer) {
        rules.add(0, Map.entry(text, answer));
        return this;
    }

    public FakeHost on(String text, Result result) {
        return on(text, cmd -> result);
    }

    @Override
    public Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds) {
        String line = String.join(" ", cmd);
        events.add("host run " + line);
        for (Map.Entry<String, Function<List<String>, Result>> r : rules) {
            if (line.contains(r.getKey())) {
                return r.getValue().apply(cmd);
            }
        }
        return new Result(0, "");
    }

    @Override
    public long spawn(List<String> cmd, Path log) {
        long pid = nextPid.incrementAndGet();
        events.add("host spawn " + String.join(" ", cmd) + " -> " + pid);
        alive.add(pid);
        commandLines.put(pid, List.copyOf(cmd));
        return pid;
    }

    /** A spawned process's command line while it runs; none for any other PID (this machine's /proc is never read). */
    @Override
    public List<String> commandLine(long pid) {
        return alive.contains(pid) ? commandLines.getOrDefault(pid, List.of()) : List.of();
    }

    @Override
    public boolean alive(long pid) {
        return alive.contains(pid);
    }

    @Override
    public void stopAll(Collection<Long> pids, int seconds) {
        events.add("host stop " + pids);
        alive.removeAll(pids);
    }

    @Override
    public void sleep(long ms) {
        // no time passes
    }
}
