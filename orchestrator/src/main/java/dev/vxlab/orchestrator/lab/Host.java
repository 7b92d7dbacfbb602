package dev.vxlab.orchestrator.lab;

import dev.vxlab.agent.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands on this machine (ip, ssh-keygen, etcd ...), as argument lists: no shell, no injection. */
public final class Host {
    private Host() {
    }

    public record Result(int code, String out) {
        public boolean ok() {
            return code == 0;
        }

        /** The last lines, where a tool such as Vagrant says what went wrong. */
        public String tail() {
            List<String> lines = out.strip().lines().filter(l -> !l.isBlank()).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        }
    }

    public static Result run(List<String> cmd) {
        return run(cmd, null, Map.of(), 60);
    }

    /**
     * Runs {@code cmd} in {@code dir} (null: the current directory) with {@code env} added, stdin closed, stdout and
     * stderr together. The output goes to a temp file, not a pipe, so that the bound holds even when the command
     * leaves a child behind that keeps the output open.
     */
    public static Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds) {
        try {
            Path log = Files.createTempFile("vxlab-run-", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                if (dir != null) {
                    pb.directory(dir.toFile());
                }
                pb.environment().putAll(env);
                Process p = pb.start();
                p.getOutputStream().close();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n(timed out after " + timeoutSeconds + " s)");
                }
                return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new VxlabException("cannot run " + cmd.get(0) + ": " + e.getMessage(),
                    "install it (scripts/install-deps.sh installs everything vxlab needs; with --vagrant also Vagrant)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted running " + cmd.get(0), null, e);
        }
    }

    /** Whether this machine holds {@code ip} on one of its interfaces. */
    public static boolean hasAddress(Ip4 ip) {
        return run("ip", "-o", "-4", "addr", "show").out().contains(" " + ip + "/");
    }

    public static Result run(String... cmd) {
        return run(List.of(cmd));
    }

    /** Runs, and throws a clear error naming the step when it fails. */
    public static String must(String step, String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new VxlabException(step + " failed: `" + String.join(" ", cmd) + "`: " + r.out().trim(),
                    "run `vxlab down` to remove what was made, then `vxlab up` again; --verbose shows every command");
        }
        return r.out();
    }

    /** Starts a long-lived process with its output appended to {@code log}; returns its PID. */
    public static long spawn(List<String> cmd, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process p = pb.start();
            p.getOutputStream().close();
            return p.pid();
        } catch (IOException e) {
            throw new VxlabException("cannot start " + cmd.get(0) + ": " + e.getMessage(),
                    "install it (scripts/install-deps.sh)", e);
        }
    }

    /** Waits {@code ms}; an interrupt ends the command (it is not swallowed). */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted", null, e);
        }
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops processes together: SIGTERM to all, then SIGKILL to those still there after {@code seconds}. */
    public static void stopAll(java.util.Collection<Long> pids, int seconds) {
        List<ProcessHandle> handles = pids.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
