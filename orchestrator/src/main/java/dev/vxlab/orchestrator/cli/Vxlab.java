package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.spec.SpecException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The vxlab CLI: one class per verb ({@link Up}, {@link Down}, {@link Status}, {@link Verify}, {@link Render},
 * {@link Ssh}, {@link Doctor}, {@link Break}, {@link Grade}, {@link Graph}, {@link Trace}), each parsing its arguments, calling one service of {@code core/} and
 * printing the result through {@link Output}. This class is the only place that catches the library's exceptions:
 * it prints one line and a hint (the stack trace only with --stacktrace) and returns the exit code.
 */
@Command(name = "vxlab", mixinStandardHelpOptions = true, version = "vxlab 0.1",
        description = "Stand up and teach flannel-style VXLAN overlay labs.",
        footer = {"", "Exit codes: 0 success; 1 a step failed or the ping matrix has failed pairs; 2 bad spec or command line."})
public final class Vxlab implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    /**
     * The verbs, in --help's order. Not in the annotation: picocli builds the model of every subcommand an annotation
     * lists when the top command's is built, 125-165 ms of CPU in a fresh JVM for eleven verbs (BENCHMARKS.md, issue
     * 13), so a command line that names a verb gets only that verb's model; anything else (--help, no verb, a
     * mistyped verb, which picocli then suggests a verb for) gets them all.
     */
    static final Map<String, Supplier<Object>> VERBS = verbs();

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> v = new LinkedHashMap<>();
        v.put("up", Up::new);
        v.put("down", Down::new);
        v.put("status", Status::new);
        v.put("verify", Verify::new);
        v.put("doctor", Doctor::new);
        v.put("break", Break::new);
        v.put("grade", Grade::new);
        v.put("graph", Graph::new);
        v.put("trace", Trace::new);
        v.put("render", Render::new);
        v.put("ssh", Ssh::new);
        return Collections.unmodifiableMap(v);
    }

    /** The CLI with the model of {@code verb} only when it is one, else of every verb. */
    static CommandLine commandLine(String verb) {
        CommandLine cl = new CommandLine(new Vxlab());
        VERBS.forEach((name, make) -> {
            if (verb == null || !VERBS.containsKey(verb) || name.equals(verb)) {
                cl.addSubcommand(name, make.get());
            }
        });
        return cl;
    }

    @Override
    public Integer call() {
        commandLine(null).usage(System.out);
        return BAD_INPUT;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // sshj logs a refused forwarded connection (etcd still starting) as an ERROR; vxlab reports what matters itself
        System.setProperty("org.slf4j.simpleLogger.log.net.schmizz", "off");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failed(ex, parsed.originalArgs().contains("--stacktrace"), err));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** One line (and a hint) for a failure, never a Java class name; returns the exit code. */
    static int failed(Exception ex, boolean stack, PrintStream err) {
        if (ex instanceof SpecException se) {
            err.println("vxlab: " + ErrorLine.plain(se.getMessage()));
            return BAD_INPUT;
        }
        if (ex instanceof BadInputException be) {
            err.println("vxlab: " + ErrorLine.plain(be.getMessage()));
            if (be.hint() != null) {
                err.println("  hint: " + be.hint());
            }
            return BAD_INPUT;
        }
        if (ex instanceof VxlabException ve) {
            err.println("vxlab: " + ErrorLine.plain(ve.getMessage()));
            if (ve.hint() != null) {
                err.println("  hint: " + ve.hint());
            }
        } else {
            err.println("vxlab: " + ErrorLine.describe(ex));
        }
        if (stack) {
            ex.printStackTrace(err);
        } else if (!(ex instanceof VxlabException)) {
            err.println("  (--stacktrace shows where)");
        }
        return FAILED;
    }
}
