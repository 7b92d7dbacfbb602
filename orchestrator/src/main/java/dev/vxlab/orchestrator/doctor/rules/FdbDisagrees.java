package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Fdb;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** VX007: FDB entries on the VXLAN device that disagree with the leases: missing, a stale public IP, or a MAC no lease has. */
public final class FdbDisagrees extends EntriesRule {
    static final String EXPLAIN = "The FDB entry is the last step of the overlay's path: it tells the VXLAN device to which public IP"
            + " (outer destination) to send the frames for a peer's VTEP MAC. The agent writes one per lease (learning is off, as in"
            + " flannel). With none, the frame is dropped; with a stale destination it is sent, wrapped in UDP, to a machine that"
            + " is not the peer.";

    public FdbDisagrees() {
        super("VX007", "FDB entries on flannel.<VNI> disagree with the leases (missing, stale public IP, or left behind)");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        String dev = f.vxlanDevice();
        List<Expected> expected = Expected.forNode(f, n.node()).stream().filter(Expected::encapsulated).toList();
        List<Fdb> entries = n.fdb().stream().filter(x -> dev.equals(x.dev()) && x.dst() != null).toList();
        for (Expected e : expected) {
            List<Fdb> forMac = entries.stream().filter(x -> e.mac().equals(x.mac())).toList();
            String fix = "bridge fdb replace " + e.mac() + " dev " + dev + " dst " + e.publicIp() + " self permanent";
            Evidence lease = Evidence.of("etcd", "etcdctl get " + e.lease().key(), e.lease().etcdctlLine());
            if (forMac.isEmpty()) {
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "no FDB entry on " + n.node() + " for " + e.who()
                        + "'s VTEP " + e.mac(), List.of(lease, Evidence.of(n.node(), NodeFacts.COMMANDS.get("fdb"),
                        "(no entry with \"mac\":\"" + e.mac() + "\" on " + dev + ")")), EXPLAIN, fix));
            } else if (forMac.stream().noneMatch(x -> e.publicIp().equals(x.dst())) || forMac.size() > 1) {
                List<Fdb> wrong = forMac.stream().filter(x -> !e.publicIp().equals(x.dst())).toList();
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "the FDB on " + n.node() + " sends " + e.who()
                        + "'s VTEP " + e.mac() + " to " + wrong.stream().map(Fdb::dst).collect(Collectors.joining(", "))
                        + ", not to its public IP " + e.publicIp(), List.of(lease, new Evidence(n.node(), NodeFacts.COMMANDS.get("fdb"),
                        forMac.stream().map(Fdb::raw).toList())), EXPLAIN,
                        wrong.stream().map(w -> "bridge fdb del " + w.mac() + " dev " + dev + " dst " + w.dst() + "; ").collect(Collectors.joining())
                                + fix));
            }
        }
        Set<String> macs = expected.stream().map(Expected::mac).collect(Collectors.toSet());
        for (Fdb x : entries) {
            if (!macs.contains(x.mac()) && !"00:00:00:00:00:00".equals(x.mac())) {
                out.add(new Finding(id(), Severity.WARNING, List.of(n.node()), "an FDB entry on " + n.node() + " for " + x.mac()
                        + " (to " + x.dst() + ") that no lease has", List.of(Evidence.of(n.node(), NodeFacts.COMMANDS.get("fdb"), x.raw())),
                        EXPLAIN, "bridge fdb del " + x.mac() + " dev " + dev + " dst " + x.dst()));
            }
        }
    }
}
