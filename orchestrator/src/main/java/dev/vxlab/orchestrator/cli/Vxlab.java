package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.spec.SpecException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
        subcommands = {Up.class, Down.class, Status.class, Verify.class, Doctor.class, Break.class, Grade.class, Graph.class, Trace.class, Render.class, Ssh.class},
        footer = {"", "Exit codes: 0 success; 1 a step failed or the ping matrix has failed pairs; 2 bad spec or command line."})
public final class Vxlab implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return BAD_INPUT;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // sshj logs a refused forwarded connection (etcd still starting) as an ERROR; vxlab reports what matters itself
        System.setProperty("org.slf4j.simpleLogger.log.net.schmizz", "off");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Vxlab());
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
