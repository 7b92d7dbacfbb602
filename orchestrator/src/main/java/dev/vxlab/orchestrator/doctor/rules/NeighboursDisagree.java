package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Neigh;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;
import java.util.Optional;

/** VX006: neighbour (ARP) entries on the VXLAN device that disagree with the leases' VTEP MACs. */
public final class NeighboursDisagree extends EntriesRule {
    static final String EXPLAIN = "The route to a peer's subnet goes via the subnet's first address on the VXLAN device; the kernel"
            + " needs that address's MAC, and no ARP crosses the overlay: the agent writes a permanent neighbour entry with the"
            + " VtepMAC from the peer's lease. A missing or stale entry (a MAC the peer no longer has, say after its device was"
            + " re-created) makes the inner frames go to no VTEP at all.";

    public NeighboursDisagree() {
        super("VX006", "neighbour entries on flannel.<VNI> disagree with the leases (missing, or a stale VTEP MAC)");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        String dev = f.vxlanDevice();
        for (Expected e : Expected.forNode(f, n.node())) {
            if (!e.encapsulated()) {
                continue;
            }
            Optional<Neigh> nb = n.neighbours().stream().filter(x -> dev.equals(x.dev()) && e.gateway().equals(x.dst())).findFirst();
            String fix = "ip neigh replace " + e.gateway() + " lladdr " + e.mac() + " dev " + dev + " nud permanent";
            Evidence lease = Evidence.of("etcd", "etcdctl get " + e.lease().key(), e.lease().etcdctlLine());
            if (nb.isEmpty()) {
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "no neighbour entry on " + n.node() + " for "
                        + e.gateway() + " (" + e.who() + "'s VTEP)", List.of(lease, Evidence.of(n.node(), NodeFacts.COMMANDS.get("neigh"),
                        "(no entry with \"dst\":\"" + e.gateway() + "\" on " + dev + ")")), EXPLAIN, fix));
            } else if (!e.mac().equals(nb.get().lladdr())) {
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "the neighbour entry on " + n.node() + " for "
                        + e.gateway() + " has the stale MAC " + nb.get().lladdr() + "; " + e.who() + "'s lease says " + e.mac(),
                        List.of(lease, Evidence.of(n.node(), NodeFacts.COMMANDS.get("neigh"), nb.get().raw())), EXPLAIN, fix));
            }
        }
    }
}
