package dev.vxlab.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * vxlabd started through its launcher (node-agent/bin/vxlabd) inside a lab node's network namespace, in a
 * UTS namespace of its own whose hostname is the node name — so the agent identifies itself as the node,
 * as it would on a VM. Output goes to a log file that tests read.
 */
final class AgentProcess implements AutoCloseable {
    static final Path LAUNCHER = Path.of(System.getProperty("vxlabd.launcher", "bin/vxlabd"));
    static final String JAR = System.getProperty("vxlabd.jar", "target/vxlabd.jar");

    final Path log;
    final Path dir;
    private final Process process;
    final long startedNanos = System.nanoTime();

    AgentProcess(String netns, String hostname, Path dir, List<String> args) {
        this(netns, hostname, dir, args, Map.of());
    }

    /** The same with more environment variables for the launcher (JAVA_TOOL_OPTIONS, VXLABD_CDS, …). */
    AgentProcess(String netns, String hostname, Path dir, List<String> args, Map<String, String> env) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            this.log = Files.createTempFile(dir, "vxlabd-", ".log");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "unshare", "--uts", "--",
                    "sh", "-c", "hostname \"$0\" && exec \"$@\"", hostname, LAUNCHER.toAbsolutePath().toString()));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("VXLABD_JAR", Path.of(JAR).toAbsolutePath().toString());
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log has a line containing {@code text}; returns that line. */
    String awaitLine(String text, int seconds) {
        return awaitLine(l -> l.contains(text), text, seconds);
    }

    String awaitLine(Predicate<String> match, String what, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String line : output().split("\n")) {
                if (match.test(line)) {
                    return line;
                }
            }
            EtcdProcess.sleep(50);
        }
        throw new AssertionError("no log line with \"" + what + "\" within " + seconds + "s; log:\n" + output());
    }

    boolean alive() {
        return process.isAlive();
    }

    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("vxlabd did not exit within " + seconds + "s; log:\n" + output());
        }
        return process.exitValue();
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, as systemd stops it. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit(10);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
