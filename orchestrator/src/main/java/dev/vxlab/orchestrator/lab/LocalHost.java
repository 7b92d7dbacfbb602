package dev.vxlab.orchestrator.lab;

import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link Host} for real: processes on this machine. */
public final class LocalHost implements Host {

    /**
     * The output goes to a temp file, not a pipe, so that the bound holds even when the command leaves a child
     * behind that keeps the output open.
     */
    @Override
    public Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds) {
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

    /**
     * Started by a shell that puts it in the background and ends at once, printing its PID: the process is then
     * init's child, not this JVM's. A child of the JVM has a "process reaper" thread waiting for it in native code,
     * and the JVM's exit waits up to 300 ms for threads in native code to stop (VM_Exit), so every `vxlab up` that
     * left an sshd or an etcd running ended 0.33 s after it was done. The PID is the command's own: the shell's
     * background child execs it (and setsid, ip netns exec and unshare exec too, none forks).
     */
    @Override
    public long spawn(List<String> cmd, Path log) {
        if (!executable(cmd.get(0))) {
            // said here, as ProcessBuilder would: the shell's background child could only fail after the PID is out
            throw new VxlabException("cannot start " + cmd.get(0) + ": no such program (not in PATH or not executable)",
                    "install it (scripts/install-deps.sh)");
        }
        List<String> detached = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null & echo $!", log.toString()));
        detached.addAll(cmd);
        Result r = run(detached, null, Map.of(), 30);
        String pid = r.out().strip();
        if (!r.ok() || !pid.matches("[0-9]+")) {
            throw new VxlabException("cannot start " + cmd.get(0) + ": " + r.out().strip(), "install it (scripts/install-deps.sh)");
        }
        return Long.parseLong(pid);
    }

    /** A path that is an executable file, or a name found as one on PATH. */
    static boolean executable(String program) {
        return which(program).isPresent();
    }

    /** {@code program} itself when it is a path to an executable file, else the first executable file of that name on PATH. */
    public static Optional<Path> which(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted", null, e);
        }
    }

    @Override
    public boolean alive(long pid) {
        return ProcessHandle.of(pid).map(LocalHost::running).orElse(false);
    }

    /**
     * Asks every process to stop (SIGTERM) at once, then waits, 20 ms a look, until none runs; what still runs after
     * {@code seconds} is killed. A zombie counts as stopped: a process vxlab started in an earlier run has init for
     * its parent, which may take a second to reap it, and waiting for that is waiting for nothing.
     */
    @Override
    public void stopAll(Collection<Long> pids, int seconds) {
        List<ProcessHandle> left = new ArrayList<>(pids.stream().distinct().map(ProcessHandle::of).flatMap(Optional::stream).toList());
        left.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            left.removeIf(h -> !running(h));
            if (left.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            sleep(20);
        }
        left.forEach(ProcessHandle::destroyForcibly);
    }

    /** Alive and not a zombie (the process handle also guards against a reused PID: its start time must match). */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            return !zombie(Files.readString(Path.of("/proc/" + h.pid() + "/stat"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false; // gone between the two looks
        }
    }

    /** /proc/PID/stat: "PID (COMM) STATE ...", COMM may hold spaces and parentheses: the state follows the last ')'. */
    static boolean zombie(String stat) {
        int i = stat.lastIndexOf(')');
        return i > 0 && i + 2 < stat.length() && stat.charAt(i + 2) == 'Z';
    }
}
