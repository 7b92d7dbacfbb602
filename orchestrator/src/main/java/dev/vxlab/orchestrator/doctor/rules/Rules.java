package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import java.util.List;

/** Every doctor rule, in the order of their IDs: the one list that --list, the docs and the exercises read. */
public final class Rules {
    /** How a student restarts the agent on a node, with or without systemd. */
    public static final String RESTART_AGENT = "/opt/vxlab/bin/vxlabd-restart";

    public static final List<Rule> ALL = List.of(
            new SharedPublicIp(), new AgentDown(), new NoLease(), new LeaseExpiring(), new RoutesDisagree(),
            new NeighboursDisagree(), new FdbDisagrees(), new VxlanDevice(), new Mtu(), new BridgeOutsideSubnet(),
            new ForwardDrop(), new VxlanPortDropped(), new EtcdUnreachable(), new NetworkOverlapsUnderlay(),
            new UdpChecksumErrors(), new NatWithoutIface(), new NodeUnreachable(), new EtcdQuorum());

    private Rules() {
    }

    /** The name of the interface the nodes share (the underlay), as the nodes show it: eth1 in every shipped lab. */
    static String underlayInterface(LabFacts f) {
        if (f.live()) {
            for (var n : f.reachableNodes()) {
                var ip = f.specIp(n.node());
                for (var l : n.links()) {
                    if (l.addresses().stream().anyMatch(a -> a.ip().equals(ip))) {
                        return l.name();
                    }
                }
            }
        }
        return "eth1";
    }
}
