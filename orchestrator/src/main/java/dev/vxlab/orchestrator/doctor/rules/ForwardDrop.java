package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX011: the FORWARD chain's policy is DROP and no rule accepts the overlay network. */
public final class ForwardDrop extends NodeRule {
    public ForwardDrop() {
        super("VX011", "FORWARD policy DROP with no accept rule for the overlay network");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        String net = f.spec().network().cidr().toString();
        String dev = f.vxlanDevice();
        IptablesSave t = IptablesSave.filter(n.iptables());
        if (!"DROP".equals(t.policies().get("FORWARD"))) {
            return;
        }
        boolean accepted = t.reachable("FORWARD").stream().anyMatch(r -> r.endsWith("-j ACCEPT")
                && (r.contains("-s " + net) || r.contains("-d " + net) || (r.contains("-i docker0") && r.contains("-o " + dev))));
        if (accepted) {
            return;
        }
        List<String> lines = new ArrayList<>(List.of(":FORWARD DROP"));
        lines.addAll(t.chain("FORWARD"));
        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "FORWARD drops the overlay's traffic on " + n.node()
                + " (policy DROP, nothing accepts " + net + ")", List.of(new Evidence(n.node(), "iptables-save -t filter", lines)),
                "A container's packet to another node is forwarded twice on each node (bridge to flannel.<VNI> and back), so the"
                        + " FORWARD chain must let the overlay network through. Docker sets FORWARD's policy to DROP; flannel adds"
                        + " ACCEPT rules for the network (the agent's VXLAB-FWD chain), and on firewalld hosts the lab's direct.xml"
                        + " rule does the same.",
                "iptables -A FORWARD -s " + net + " -j ACCEPT; iptables -A FORWARD -d " + net + " -j ACCEPT"
                        + "  (or put the policy back: iptables -P FORWARD ACCEPT; on firewalld hosts: firewall-cmd --reload loads direct.xml)"));
    }
}
