package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * VX016, static: the spec gives every node a Vagrant-style NAT eth0 (underlay.nat: true) and does not tell the
 * agent which interface to use: the trap of VX001, predicted before anything starts. On a lab that is up, what
 * counts is each node's own /etc/sysconfig/flanneld (a student may have mended it there): only the nodes whose
 * FLANNEL_OPTIONS still name no interface are named.
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
        if (!f.spec().underlay().nat()) {
            return List.of();
        }
        List<String> nodes = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        if (f.live()) {
            for (NodeFacts n : f.reachableNodes()) {
                if (!names(n.sysconfig().getOrDefault("FLANNEL_OPTIONS", ""))) {
                    nodes.add(n.node());
                    evidence.add(new Evidence(n.node(), NodeFacts.COMMANDS.get("sysconfig"), n.linesWith("sysconfig", "FLANNEL_OPTIONS=")));
                }
            }
        } else if (!names(f.spec().agent().options())) {
            nodes.addAll(f.spec().nodes().stream().map(n -> n.name()).toList());
            evidence.add(Evidence.of("spec", f.spec().source().toString(), "underlay: {... nat: true}",
                    "agent: {options: \"" + f.spec().agent().options() + "\"}"));
        }
        if (nodes.isEmpty()) {
            return List.of();
        }
        return List.of(new Finding(id(), Severity.ERROR, nodes,
                "every node has the NAT eth0 10.0.2.15 with the default route, and the agent is not told which interface to use",
                evidence, SharedPublicIp.EXPLAIN + " With no --iface the agent takes the interface of the default route: eth0.",
                "agent: {options: \"--iface=eth1\"} in " + f.spec().source() + " (or --iface-can-reach=" + f.spec().underlay().hostIp()
                        + "); on a node: FLANNEL_OPTIONS=\"--iface=eth1\" in /etc/sysconfig/flanneld, then " + Rules.RESTART_AGENT));
    }

    /** Whether agent options choose the interface (--iface, --iface-regex, --iface-can-reach; flannel also takes one dash). */
    private static boolean names(String options) {
        return options.contains("-iface");
    }
}
