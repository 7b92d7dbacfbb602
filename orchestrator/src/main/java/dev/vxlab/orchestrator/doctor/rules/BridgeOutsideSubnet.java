package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;
import java.util.Optional;

/** VX010: docker0 (the container bridge) addressed outside the node's FLANNEL_SUBNET. */
public final class BridgeOutsideSubnet extends NodeRule {
    public BridgeOutsideSubnet() {
        super("VX010", "docker0 (the container bridge) has an address outside the node's FLANNEL_SUBNET");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        Optional<Ip4Net> subnet = n.flannelSubnet();
        var bridge = n.link("docker0");
        if (subnet.isEmpty() || bridge.isEmpty() || bridge.get().addresses().isEmpty()) {
            return;
        }
        List<Ip4Net> outside = bridge.get().addresses().stream().filter(a -> !subnet.get().contains(a.ip())).toList();
        if (outside.isEmpty()) {
            return;
        }
        String env = n.subnetEnv().get("FLANNEL_SUBNET");
        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "docker0 on " + n.node() + " has " + outside.get(0)
                + ", outside its FLANNEL_SUBNET " + env, List.of(Evidence.of(n.node(), NodeFacts.COMMANDS.get("subnet.env"), "FLANNEL_SUBNET=" + env),
                Evidence.of(n.node(), NodeFacts.COMMANDS.get("link") + "; " + NodeFacts.COMMANDS.get("addr"), bridge.get().raw())),
                "The other nodes route this node's subnet (its lease) to it; containers must get addresses from that subnet, which"
                        + " is why Docker runs with --bip=$FLANNEL_SUBNET. A bridge on another range (Docker's default 172.17.0.1/16,"
                        + " or a subnet this node held before) gives containers addresses nobody routes back to.",
                "ip addr del " + outside.get(0) + " dev docker0; ip addr add " + env + " dev docker0  (with Docker: --bip=$FLANNEL_SUBNET)"));
    }
}
