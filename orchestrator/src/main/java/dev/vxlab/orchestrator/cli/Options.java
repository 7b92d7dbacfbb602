package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabContext;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every lab verb takes (a picocli mixin), and what they decide: where output goes, and in which form. */
final class Options {
    @Option(names = "--verbose", description = "print every command run on this machine")
    boolean verbose;

    @Option(names = "--stacktrace", description = "print the stack trace of a failure")
    boolean stacktrace;

    @Option(names = "--json", description = "print the result as JSON for scripts")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** With --verbose, a command run on this machine, on stderr. */
    void say(String s) {
        if (verbose) {
            err().println("+ " + s);
            err().flush();
        }
    }

    Output output() {
        return new Output(out(), err(), json);
    }

    /** The services' real machine, with --verbose wired in. */
    LabContext context() {
        return LabContext.standard(this::say);
    }

    private PrintWriter out() {
        return command.commandLine().getOut();
    }

    private PrintWriter err() {
        return command.commandLine().getErr();
    }
}
