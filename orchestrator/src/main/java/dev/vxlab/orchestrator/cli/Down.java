package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabDown;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "down", mixinStandardHelpOptions = true,
        header = "Remove everything `up` made for a lab, and nothing else.",
        description = "Remove everything `up` made for the lab (recorded in its state directory): agents, sshd, etcd,"
                + " namespaces, the root link, the lab directory. Nothing else is touched. A host that does not answer is named with"
                + " what is left there (exit 1), and only that stays recorded: `down` again, once it answers, finishes.")
final class Down implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        LabDown.Result r = new LabDown(common.context()).down(lab.lab);
        if (!r.left().isEmpty()) {
            return common.output().downIncomplete(r);
        }
        common.output().line(r.wasUp() ? "lab " + r.lab() + " removed" : "lab " + r.lab() + " is not up; nothing to do");
        return Vxlab.OK;
    }
}
