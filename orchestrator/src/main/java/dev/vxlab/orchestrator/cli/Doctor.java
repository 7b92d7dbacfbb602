package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.LabDoctor;
import dev.vxlab.orchestrator.doctor.Report;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
    "Explain what is wrong with a lab, with evidence and the fix for each finding.",
    "Gathers every node's facts (links, routes, neighbours, FDB, iptables, subnet.env, the agent and its log) and etcd's"
            + " leases, then applies the rules VX001...; on a spec that is not up, only the rules that need no lab.",
    "Exit codes: 0 no error found; 1 a finding of severity error; 2 bad command line."})
final class Doctor implements Callable<Integer> {
    @Mixin
    LabArg lab = new LabArg();

    @Option(names = "--node", paramLabel = "NODE", description = "only the findings about this node (and the lab's own)")
    String node;

    @Mixin
    Options common = new Options();

    @Override
    public Integer call() {
        Report r = new LabDoctor(common.context()).examine(lab.lab, node);
        common.output().doctor(r);
        return r.hasErrors() ? Vxlab.FAILED : Vxlab.OK;
    }
}
