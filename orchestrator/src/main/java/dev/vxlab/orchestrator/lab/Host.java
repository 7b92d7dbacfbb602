package dev.vxlab.orchestrator.lab;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Runs commands on this machine (ip, ssh-keygen, etcd, docker, vagrant ...), as argument lists: no shell, no
 * injection. The side effects of the providers and of etcd on this machine go through it, so that they can be
 * driven by a fake in tests; {@link LocalHost} is the real one.
 */
public interface Host {

    record Result(int code, String out) {
        public boolean ok() {
            return code == 0;
        }

        /** The last lines, where a tool such as Vagrant says what went wrong. */
        public String tail() {
            List<String> lines = out.strip().lines().filter(l -> !l.isBlank()).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        }
    }

    /**
     * Runs {@code cmd} in {@code dir} (null: the current directory) with {@code env} added, stdin closed, stdout and
     * stderr together, for at most {@code timeoutSeconds}.
     */
    Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds);

    /** Starts a long-lived process with its output appended to {@code log}; returns its PID. */
    long spawn(List<String> cmd, Path log);

    boolean alive(long pid);

    /** The command line of a running process (its argv), empty when it is not running or cannot be read. */
    default List<String> commandLine(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            return s.isEmpty() ? List.of() : List.of(s.split("\0"));
        } catch (IOException e) {
            // the process ended, or is not ours to read: no command line
            return List.of();
        }
    }

    /** Stops processes together: SIGTERM to all, then SIGKILL to those still there after {@code seconds}. */
    void stopAll(Collection<Long> pids, int seconds);

    /** Waits {@code ms}; an interrupt ends the command (it is not swallowed). */
    void sleep(long ms);

    default Result run(List<String> cmd) {
        return run(cmd, null, Map.of(), 60);
    }

    default Result run(String... cmd) {
        return run(List.of(cmd));
    }

    /** Runs, and throws a clear error naming the step when it fails. */
    default String must(String step, String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new VxlabException(step + " failed: `" + String.join(" ", cmd) + "`: " + r.out().trim(),
                    "run `vxlab down` to remove what was made, then `vxlab up` again; --verbose shows every command");
        }
        return r.out();
    }

    /** Whether this machine holds {@code ip} on one of its interfaces. */
    default boolean hasAddress(Ip4 ip) {
        return run("ip", "-o", "-4", "addr", "show").out().contains(" " + ip + "/");
    }
}
