package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Route;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;
import java.util.Optional;

/** VX005: routes to the peers' subnets that disagree with the leases: missing, pointing elsewhere, or left for a subnet nobody holds. */
public final class RoutesDisagree extends EntriesRule {
    static final String EXPLAIN = "A node reaches another node's containers through a route for that node's subnet: via the subnet's"
            + " first address on the VXLAN device (onlink), so that the neighbour and FDB entries turn it into a VXLAN packet to the"
            + " peer's public IP. The agent writes one route per lease in etcd; a route that is missing or points elsewhere sends"
            + " those packets nowhere (or out of the default route), one left for a subnet nobody holds sends them to a dead VTEP.";

    public RoutesDisagree() {
        super("VX005", "routes to peer subnets disagree with the leases (missing, wrong gateway or device, or left behind)");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        String dev = f.vxlanDevice();
        Optional<Ip4Net> own = n.flannelSubnet();
        List<Expected> expected = Expected.forNode(f, n.node());
        for (Expected e : expected) {
            Optional<Route> r = n.routes().stream().filter(x -> e.subnet().equals(x.dst())).findFirst();
            String want = e.subnet() + " via " + e.gateway() + (e.encapsulated() ? " dev " + dev + " onlink" : "");
            Evidence lease = Evidence.of("etcd", "etcdctl get " + e.lease().key(), e.lease().etcdctlLine());
            if (r.isEmpty()) {
                out.add(finding(n, Severity.ERROR, "no route on " + n.node() + " to " + e.subnet() + " (" + e.who() + ")",
                        List.of(lease, Evidence.of(n.node(), NodeFacts.COMMANDS.get("route"), "(no entry with \"dst\":\"" + e.subnet() + "\")")),
                        "ip route replace " + want + "  (the agent re-adds it within 30 s while it runs; if it does not run: "
                                + Rules.RESTART_AGENT + ")"));
            } else if (!e.gateway().equals(r.get().gateway()) || (e.encapsulated() && (!dev.equals(r.get().dev()) || !r.get().onlink()))) {
                out.add(finding(n, Severity.ERROR, "the route on " + n.node() + " to " + e.subnet() + " (" + e.who() + ") goes via "
                                + r.get().gateway() + " dev " + r.get().dev() + ", not via " + e.gateway() + (e.encapsulated() ? " dev " + dev : ""),
                        List.of(lease, Evidence.of(n.node(), NodeFacts.COMMANDS.get("route"), r.get().raw())), "ip route replace " + want));
            }
        }
        for (Route r : n.routes()) {
            if (!dev.equals(r.dev()) || r.dst() == null || !r.dst().contains("/")) {
                continue;
            }
            boolean known = expected.stream().anyMatch(e -> e.subnet().equals(r.dst())) || own.map(o -> o.toString().equals(r.dst())).orElse(false);
            if (!known) {
                out.add(finding(n, Severity.WARNING, "a route on " + n.node() + " to " + r.dst() + " on " + dev + " for which no lease exists",
                        List.of(Evidence.of(n.node(), NodeFacts.COMMANDS.get("route"), r.raw())), "ip route del " + r.dst() + " dev " + dev));
            }
        }
    }

    private Finding finding(NodeFacts n, Severity s, String summary, List<Evidence> ev, String fix) {
        return new Finding(id(), s, List.of(n.node()), summary, ev, EXPLAIN, fix);
    }
}
