package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabVerify;
import dev.vxlab.orchestrator.core.Verification;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "Run the container-to-container ping matrix of a lab that is up.")
final class Verify implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Output out = common.output();
        Progress p = out.progress();
        Verification v = new LabVerify(common.context()).verify(lab.lab, p);
        return out.verification(v, p);
    }
}
