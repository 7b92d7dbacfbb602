package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabUp;
import dev.vxlab.orchestrator.core.Verification;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "up", mixinStandardHelpOptions = true,
        header = "Build or converge a lab from its spec and prove its overlay with the ping matrix.",
        description = "Build the lab the spec describes, start etcd, provision every node over SSH, start the agents, and prove"
                + " the overlay with the ping matrix. A re-run converges: it reports each file and step as changed or unchanged.")
final class Up implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "the lab spec, e.g. labs/quickstart.yaml")
    Path specFile;

    @Option(names = "--provider", paramLabel = "netns|vagrant|ssh",
            description = "where the machines come from, instead of the spec's provider: (the Vagrantfile's trigger passes vagrant)")
    LabSpec.Provider provider;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Output out = common.output();
        Progress p = out.progress();
        // SIGINT (Ctrl-C) mid-way: the JVM runs this hook and ends; what was made so far is recorded in the lab's state
        Thread interrupted = new Thread(() -> out.interrupted(specFile, again()), "vxlab-up-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        Verification v;
        try {
            v = new LabUp(common.context()).up(specFile, provider, p);
        } finally {
            Runtime.getRuntime().removeShutdownHook(interrupted);
        }
        int code = out.verification(v, p);
        out.line(p.summary());
        return code;
    }

    /** The command that finishes what this one began. */
    private String again() {
        return "vxlab up " + (provider != null ? "--provider " + provider.name().toLowerCase(Locale.ROOT) + " " : "") + specFile;
    }
}
