package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX012: UDP to the VXLAN port dropped on the underlay (a DROP/REJECT rule, or an INPUT policy DROP that nothing opens). */
public final class VxlanPortDropped extends NodeRule {
    public VxlanPortDropped() {
        super("VX012", "UDP to the VXLAN port is dropped on the underlay (iptables)");
    }

    @Override
    boolean appliesTo(LabFacts f) {
        return f.spec().network().backend().equals("vxlan");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        int port = f.spec().network().port() == 0 ? 8472 : f.spec().network().port();
        String dport = "--dport " + port;
        IptablesSave t = IptablesSave.filter(n.iptables());
        List<String> dropping = new ArrayList<>();
        for (String chain : List.of("INPUT", "OUTPUT")) {
            for (String r : t.reachable(chain)) {
                String target = IptablesSave.target(r);
                if (r.contains("-p udp") && r.contains(dport) && ("DROP".equals(target) || "REJECT".equals(target))) {
                    dropping.add(r);
                }
            }
        }
        boolean opened = t.reachable("INPUT").stream().anyMatch(r -> r.contains("-p udp") && r.contains(dport) && r.endsWith("-j ACCEPT"));
        if (dropping.isEmpty() && "DROP".equals(t.policies().get("INPUT")) && !opened) {
            dropping.add(":INPUT DROP");
        }
        if (dropping.isEmpty()) {
            return;
        }
        String fix = dropping.get(0).startsWith(":") ? "iptables -I INPUT -p udp --dport " + port + " -j ACCEPT"
                : String.join("; ", dropping.stream().map(r -> "iptables " + r.replaceFirst("^-A ", "-D ")).toList());
        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "UDP to port " + port + " (VXLAN) is dropped on " + n.node(),
                List.of(new Evidence(n.node(), "iptables-save -t filter", dropping)),
                "Every overlay packet crosses the underlay as UDP to port " + port + " of the peer's public IP. A firewall that"
                        + " drops it there (or sends nothing out) loses all traffic between containers on different nodes, while the"
                        + " nodes themselves still ping each other: the underlay looks healthy.",
                fix));
    }
}
