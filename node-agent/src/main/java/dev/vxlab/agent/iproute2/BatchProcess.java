package dev.vxlab.agent.iproute2;

import dev.vxlab.agent.kernel.KernelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code ip -force -batch -} (or {@code bridge -force -batch -}) process that runs batches of
 * commands written to its stdin, so that applying a lease event starts no process.
 *
 * <p>Design notes. In batch mode iproute2 reads one command a line and numbers the lines from the start of
 * the process; a line that fails prints its error and then {@code Command failed -:N} on stderr, and with
 * {@code -force} the next line runs anyway. A write that succeeds prints nothing, so the end of each command
 * is made visible: after every command we send {@value #SENTINEL}, an object name iproute2 does not know. It
 * fails before touching the kernel or the tool's state ({@code Object "…" is unknown}), and its
 * {@code Command failed -:S}, S being its own line number, says that the command before it has finished.
 * stderr is merged into stdout so errors and sentinels arrive in the order they were printed; lines are
 * numbered by counting what was sent. A sentinel per command rather than per batch matters because some
 * failures end the process instead of failing the line ({@code neigh del} of an absent neighbour: exit 2;
 * a malformed argument: exit 255): the first unconfirmed command is the one that ended it, it is reported
 * with what it printed, and the commands after it are sent again to a fresh process, so each is still tried.
 * (A show command as the sentinel would change the tool's state: after {@code link show}, ip keeps the link
 * address family for later lines — an {@code addr show} after it lists no addresses.) The process starts at
 * first use and again after it ended or stopped answering; it ends by itself when its stdin closes, i.e.
 * when the agent exits.
 */
final class BatchProcess implements AutoCloseable {
    static final String SENTINEL = "vxlabd-end-of-command";
    /**
     * Commands written before their answers are read. The whole batch is written first, so the tool's answers
     * (under 200 bytes a command, even when all fail) must fit in its stdout pipe (64 KiB) or both sides block.
     */
    static final int CHUNK = 200;
    private static final String FAILED = "Command failed -:";

    /** Starts the tool; tests pass a fake. */
    @FunctionalInterface
    interface Starter {
        Process start(List<String> command) throws IOException;
    }

    private final List<String> command;
    private final Starter starter;
    private final Duration timeout;
    private Process process;
    private OutputStream stdin;
    private BufferedReader stdout;
    private long sent; // lines written to the current process
    private volatile long deadline; // System.nanoTime() by which the running batch must be done; 0: none running
    private volatile boolean timedOut;

    BatchProcess(List<String> command, Starter starter, Duration timeout) {
        this.command = List.copyOf(command);
        this.starter = starter;
        this.timeout = timeout;
    }

    static BatchProcess of(String tool) {
        return new BatchProcess(List.of(tool, "-force", "-batch", "-"), cmd -> new ProcessBuilder(cmd).redirectErrorStream(true).start(),
                Duration.ofSeconds(30));
    }

    String tool() {
        return command.get(0);
    }

    /**
     * Runs the commands in order, one a line, each tried even if an earlier one failed or ended the tool.
     * Returns one entry per command: null when it succeeded, else why it failed. Throws
     * {@link KernelException} only when the tool cannot be started at all.
     */
    synchronized List<String> run(List<String> commands) {
        return finish(submit(commands));
    }

    /** Commands of which the first chunk has been written; {@link #finish} reads the answers and runs the rest. */
    static final class Pending {
        private final List<String> commands;
        private final List<String> results = new ArrayList<>();
        private Progress progress; // the chunk written and not yet read, or null

        private Pending(List<String> commands) {
            this.commands = commands;
        }
    }

    /**
     * Writes the first chunk of {@code commands} and returns without waiting for the answers, so that another
     * tool can work meanwhile; {@link #finish} must follow before this process is given anything else.
     */
    synchronized Pending submit(List<String> commands) {
        for (String c : commands) {
            // iproute2 joins a line ending in a backslash with the next one: the numbering would slip
            if (c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0 || c.endsWith("\\")) {
                throw new IllegalArgumentException("not a single batch line: " + c);
            }
        }
        Pending p = new Pending(List.copyOf(commands));
        if (!p.commands.isEmpty()) {
            writeNext(p);
        }
        return p;
    }

    /** Reads the answers of {@code p}'s chunk written last and runs its remaining commands; one entry per command. */
    synchronized List<String> finish(Pending p) {
        while (true) {
            if (p.progress != null) {
                Stop stop = read(p.progress);
                p.results.addAll(p.progress.outcomes);
                p.progress = null;
                if (stop != null) {
                    p.results.add(stop.why()); // the command that was running
                    while (stop.hung() && p.results.size() < p.commands.size()) {
                        p.results.add(stop.why()); // a tool that hangs would hang again: the rest is not fed to it
                    }
                }
            }
            if (p.results.size() >= p.commands.size()) {
                return p.results;
            }
            writeNext(p);
        }
    }

    /** Writes the next chunk of {@code p} (at most {@link #CHUNK} commands), starting the tool when it is not running. */
    private void writeNext(Pending p) {
        List<String> rest = p.commands.subList(p.results.size(), Math.min(p.commands.size(), p.results.size() + CHUNK));
        if (process == null || !process.isAlive()) {
            start();
        }
        Progress progress = new Progress(sent, rest.size());
        if (!send(rest)) {
            // ended while idle, between the check and the write: once more on a fresh process
            stop();
            start();
            progress = new Progress(sent, rest.size());
            if (!send(rest)) {
                stop();
                while (p.results.size() < p.commands.size()) {
                    p.results.add(tool() + " does not take input");
                }
                return;
            }
        }
        p.progress = progress;
    }

    private boolean send(List<String> commands) {
        StringBuilder batch = new StringBuilder();
        for (String c : commands) {
            batch.append(c).append('\n').append(SENTINEL).append('\n');
        }
        try {
            stdin.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            sent += 2L * commands.size();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the tool stopped in the middle of a command; {@code hung}: it stopped answering. */
    private record Stop(String why, boolean hung) {
    }

    /**
     * Reads until every command is confirmed; returns null then, else why the tool stopped (it is then stopped).
     * Read on the caller's thread: under CPU contention every hand-over between threads costs a wake-up, and a
     * lease event already crosses two processes. The watchdog ends a tool that stops answering.
     */
    private Stop read(Progress progress) {
        timedOut = false;
        deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!progress.done()) {
                String line;
                try {
                    line = stdout.readLine();
                } catch (IOException e) {
                    line = null; // the pipe broke: the process is gone
                }
                if (line == null) {
                    Stop why = timedOut ? new Stop("no answer from " + tool() + " within " + timeout.toMillis() + " ms", true)
                            : new Stop(tool() + " exited" + exitCode() + progress.lastError(), false);
                    stop();
                    return why;
                }
                progress.accept(line);
            }
            return null;
        } finally {
            deadline = 0;
        }
    }

    /**
     * What the tool printed for commands sent as "command, sentinel" pairs after line {@code base}: command i
     * is line base + 2i + 1 and its sentinel base + 2i + 2. An error line, then "Command failed -:N" for a
     * command's line, is that command's failure; "Command failed -:N" for a sentinel's line confirms the
     * command before it. Pure, so that tests can feed it iproute2's real output.
     */
    static final class Progress {
        private final long base;
        private final int count;
        final List<String> outcomes = new ArrayList<>();
        private String failure; // of the command being confirmed
        private String last;    // last line that was not a "Command failed"

        Progress(long base, int count) {
            this.base = base;
            this.count = count;
        }

        boolean done() {
            return outcomes.size() == count;
        }

        void accept(String line) {
            long failedLine = failedLine(line);
            if (failedLine < 0) {
                if (!line.isBlank() && !line.contains(SENTINEL)) {
                    last = line.trim();
                }
                return;
            }
            long offset = failedLine - base;
            int i = outcomes.size();
            if (offset == 2L * i + 1) {
                failure = last != null ? last : "failed";
            } else if (offset == 2L * i + 2) {
                outcomes.add(failure);
                failure = null;
            }
            last = null;
        }

        /** N of "Command failed -:N" (trailing blanks allowed), else -1; no regex: this runs for every line the tool prints. */
        static long failedLine(String line) {
            if (!line.startsWith(FAILED)) {
                return -1;
            }
            int end = line.length();
            while (end > FAILED.length() && Character.isWhitespace(line.charAt(end - 1))) {
                end--;
            }
            if (end == FAILED.length()) {
                return -1;
            }
            long n = 0;
            for (int i = FAILED.length(); i < end; i++) {
                char c = line.charAt(i);
                if (c < '0' || c > '9' || n > Long.MAX_VALUE / 10 - 10) {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        /** ": <what the tool printed last>", for a tool that ended in the middle of a command. */
        String lastError() {
            return last != null ? ": " + last : "";
        }
    }

    private void start() {
        Process p;
        try {
            p = starter.start(command);
        } catch (IOException e) {
            throw new KernelException("cannot run " + tool() + ": " + e.getMessage(), "install iproute2 (apt-get install iproute2)", e);
        }
        process = p;
        stdin = p.getOutputStream();
        stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        sent = 0;
        long poll = Math.max(1, Math.min(timeout.toMillis() / 4, 1000));
        Thread watchdog = new Thread(() -> {
            try {
                while (p.isAlive()) {
                    long d = deadline;
                    if (d != 0 && System.nanoTime() - d > 0) {
                        timedOut = true;
                        p.destroyForcibly(); // the blocked read sees the end of the output
                    }
                    Thread.sleep(poll);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, tool() + "-batch-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private String exitCode() {
        try {
            return process.waitFor(100, TimeUnit.MILLISECONDS) ? " with code " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void stop() {
        if (process != null) {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // it is being killed anyway
            }
            process.destroyForcibly();
            process = null;
        }
    }

    /** Ends the process (closing its stdin is enough for iproute2; it is killed to be sure). */
    @Override
    public synchronized void close() {
        stop();
    }
}
