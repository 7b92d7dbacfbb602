package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;

/**
 * VX016, static: the spec gives every node a Vagrant-style NAT eth0 (underlay.nat: true) and does not tell the
 * agent which interface to use: the trap of VX001, predicted before anything starts.
 */
public final class NatWithoutIface implements Rule {
    @Override
    public String id() {
        return "VX016";
    }

    @Override
    public String title() {
        return "the spec has a NAT eth0 on every node and no --iface/--iface-can-reach/--iface-regex: VX001 to come";
    }

    @Override
    public boolean isStatic() {
        return true;
    }

    @Override
    public List<Finding> check(LabFacts f) {
        String options = f.spec().agent().options();
        if (!f.spec().underlay().nat() || options.contains("--iface") || options.contains("-iface")) {
            return List.of();
        }
        return List.of(new Finding(id(), Severity.ERROR, f.spec().nodes().stream().map(n -> n.name()).toList(),
                "every node has the NAT eth0 10.0.2.15 with the default route, and the agent is not told which interface to use",
                List.of(Evidence.of("spec", f.spec().source().toString(), "underlay: {... nat: true}",
                        "agent: {options: \"" + options + "\"}")),
                SharedPublicIp.EXPLAIN + " With no --iface the agent takes the interface of the default route: eth0.",
                "agent: {options: \"--iface=eth1\"} in " + f.spec().source() + " (or --iface-can-reach=" + f.spec().underlay().hostIp() + ")"));
    }
}
