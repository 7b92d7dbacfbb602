package dev.vxlab.agent.iptables;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Iptables} through the iptables binaries found on the PATH ({@code iptables-save},
 * {@code iptables-restore}; whichever backend, legacy or nf_tables, the system's alternatives select, as
 * flanneld does). An optional command prefix runs them elsewhere: {@code List.of("ip", "netns", "exec", NAME)}
 * works on a network namespace's tables and never on the host's.
 *
 * <p>Like flannel, it asks {@code iptables --version} once: {@code --wait} (the xtables lock, so that Docker
 * or kube-proxy changing rules at the same moment does not make a restore fail) and {@code --random-fully}
 * both need 1.6.2 or later.
 */
public final class IptablesCommand implements Iptables {
    private static final Logger log = LoggerFactory.getLogger(IptablesCommand.class);
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern ERROR_LINE = Pattern.compile("(?:Error occurred at line: |line )(\\d+)");
    private static final long TIMEOUT_SECONDS = 30;
    private static final String LOCK_WAIT_SECONDS = "10";
    private static final String HINT = "run as root, with iptables installed (apt-get install iptables) and the nat table"
            + " available (modprobe iptable_nat xt_MASQUERADE xt_comment)";

    private final List<String> prefix;
    private volatile String version;

    /** The host's tables. */
    public IptablesCommand() {
        this(List.of());
    }

    /** Runs every command after {@code prefix}, e.g. {@code ip netns exec NAME}. */
    public IptablesCommand(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** {@code iptables --version}, e.g. "iptables v1.8.9 (nf_tables)"; empty when it cannot be run. */
    public String version() {
        String v = version;
        if (v == null) {
            try {
                Result r = run(List.of("iptables", "--version"), null);
                v = r.code == 0 ? r.out.strip() : "";
            } catch (IptablesException e) {
                v = ""; // no iptables at all: save() and restore() say so with a hint
            }
            version = v;
            log.debug("iptables version=\"{}\"", v);
        }
        return v;
    }

    /** Whether MASQUERADE takes {@code --random-fully} (iptables 1.6.2 and later). */
    @Override
    public boolean supportsRandomFully() {
        return atLeast162(version());
    }

    @Override
    public String save(String table) {
        Result r = run(List.of("iptables-save", "-t", table), null);
        if (r.code != 0) {
            throw new IptablesException("iptables-save -t " + table + " failed (exit " + r.code + "): " + oneLine(r.err + r.out), HINT);
        }
        return r.out;
    }

    @Override
    public void restore(String input) {
        List<String> cmd = new ArrayList<>(List.of("iptables-restore", "--noflush"));
        if (atLeast162(version())) {
            cmd.addAll(List.of("--wait", LOCK_WAIT_SECONDS));
        }
        log.debug("iptables-restore input:\n{}", input);
        Result r = run(cmd, input);
        if (r.code != 0) {
            throw new IptablesException("iptables-restore failed (exit " + r.code + "): " + describeFailure(r.err + r.out, input), HINT);
        }
    }

    /**
     * The error iptables-restore printed, and the input line it names ("Error occurred at line: 4"). The
     * nf_tables backend checks a table's block as a whole when it commits, and then names the COMMIT line: the
     * table is all that line tells, and the error text itself names the culprit ("Chain 'X' does not exist").
     */
    static String describeFailure(String output, String input) {
        String why = oneLine(output);
        Matcher m = ERROR_LINE.matcher(output);
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            String[] lines = input.split("\n");
            if (n >= 1 && n <= lines.length) {
                if (lines[n - 1].strip().equals("COMMIT")) {
                    String table = "?";
                    for (int i = n - 2; i >= 0; i--) {
                        if (lines[i].startsWith("*")) {
                            table = lines[i].substring(1).strip();
                            break;
                        }
                    }
                    why += "; while committing table " + table;
                } else {
                    why += "; input line " + n + ": " + lines[n - 1];
                }
            }
        }
        return why;
    }

    static boolean atLeast162(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        return major > 1 || (major == 1 && (minor > 6 || (minor == 6 && patch >= 2)));
    }

    /** The first non-blank line that is not iptables' usage hint, or "no output". */
    private static String oneLine(String output) {
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("Try `") && !l.startsWith("Error occurred at line")) {
                return l;
            }
        }
        return "no output";
    }

    private record Result(int code, String out, String err) {
    }

    private Result run(List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(args);
        log.debug("running {}", cmd);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process exited without reading its input; its exit code and output tell why
                log.debug("{} did not read its input: {}", cmd.get(0), e.getMessage());
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IptablesException(String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + "s",
                        "another program may be holding the xtables lock");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IptablesException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IptablesException("interrupted while running " + String.join(" ", cmd), null, e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
