package dev.vxlab.orchestrator.lab;

import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands on this machine (ip, ssh-keygen, etcd ...), as argument lists: no shell, no injection. */
public final class Host {
    private Host() {
    }

    public record Result(int code, String out) {
        public boolean ok() {
            return code == 0;
        }
    }

    public static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new VxlabException("cannot run " + cmd.get(0) + ": " + e.getMessage(),
                    "install it (scripts/install-deps.sh installs everything vxlab needs)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted running " + cmd.get(0), null, e);
        }
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
