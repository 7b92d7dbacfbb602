package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX012: UDP to the VXLAN port dropped on the underlay (a DROP/REJECT rule, or an INPUT policy DROP that nothing opens). */
public final class VxlanPortDropped implements Rule {
    @Override
    public String id() {
        return "VX012";
    }

    @Override
    public String title() {
        return "UDP to the VXLAN port is dropped on the underlay (iptables)";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        if (!f.live() || !f.spec().network().backend().equals("vxlan")) {
            return out;
        }
        int port = f.spec().network().port() == 0 ? 8472 : f.spec().network().port();
        String dport = "--dport " + port;
        for (NodeFacts n : f.reachableNodes()) {
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
                continue;
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
        return out;
    }
}
