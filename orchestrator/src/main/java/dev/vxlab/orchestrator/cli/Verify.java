package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabVerify;
import dev.vxlab.orchestrator.core.Verification;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "Run the container-to-container ping matrix of a lab that is up.")
final class Verify implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Option(names = "--mtu", description = "also send don't-fragment pings of FLANNEL_MTU - 28 bytes (must cross) and one byte more"
            + " (must be refused by the container) per pair: an MTU mismatch fails by name")
    boolean mtu;

    @Option(names = "--junit", paramLabel = "FILE", description = "write the per-pair results as JUnit XML")
    Path junit;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Output out = common.output();
        Progress p = out.progress();
        Verification v = new LabVerify(common.context()).verify(lab.lab, mtu, junit, p);
        return out.verification(v, p);
    }
}
