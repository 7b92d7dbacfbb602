package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
    "Show a lab's nodes: public IP, interface, subnet, VtepMAC, lease expiry, agent state.",
    "Without a name, list the labs that are up."})
final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the lab's name or spec file (none: list the labs that are up)")
    String lab;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        LabStatus status = new LabStatus(common.context());
        if (lab == null) {
            common.output().labs(status.labs());
        } else {
            common.output().status(status.status(lab));
        }
        return Vxlab.OK;
    }
}
