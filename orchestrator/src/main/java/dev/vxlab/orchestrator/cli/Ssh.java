package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabContext;
import dev.vxlab.orchestrator.core.LabSsh;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ssh", mixinStandardHelpOptions = true, description = "Open a shell on a lab node, or run CMD there (after --).")
final class Ssh implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String lab;

    @Parameters(index = "1", paramLabel = "NODE")
    String node;

    @Parameters(index = "2..*", paramLabel = "CMD")
    List<String> cmd = new ArrayList<>();

    @Override
    public Integer call() {
        return new LabSsh(LabContext.standard(s -> { })).ssh(lab, node, cmd);
    }
}
