package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Link;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** VX008: flannel.&lt;VNI&gt; missing, down, or with another VNI, port, local address or lower device than the lab's. */
public final class VxlanDevice extends NodeRule {
    static final String EXPLAIN = "flannel.<VNI> is the node's VTEP: it wraps each frame for a peer in UDP to the peer's public IP"
            + " (port 8472 unless the config says otherwise) with the VNI in the VXLAN header, and takes in the packets of that VNI"
            + " on that port. Both ends must agree on VNI and port; the local address and lower device are where the packets leave"
            + " from, and must be the address this node advertises in its lease. The agent creates the device at start (and"
            + " re-creates an incompatible one, as flanneld logs \"already exists with incompatible configuration\").";

    public VxlanDevice() {
        super("VX008", "flannel.<VNI> missing, down, or with the wrong VNI, port, local address or lower device");
    }

    @Override
    boolean joinedOnly() {
        return true;
    }

    @Override
    boolean appliesTo(LabFacts f) {
        return f.spec().network().backend().equals("vxlan");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        int vni = f.spec().network().vni();
        int port = f.spec().network().port() == 0 ? 8472 : f.spec().network().port();
        String dev = f.vxlanDevice();
        String restart = "restart the agent, which re-creates it as the network config says: " + Rules.RESTART_AGENT;
        Optional<Link> link = n.link(dev);
        if (link.isEmpty()) {
            List<String> others = n.links().stream().filter(l -> l.vxlan() != null).map(Link::raw).toList();
            out.add(finding(n, dev + " does not exist on " + n.node() + (others.isEmpty() ? "" : " (another VXLAN device does)"),
                    Evidence.of(n.node(), NodeFacts.COMMANDS.get("link"), others.isEmpty() ? new String[] {"(no link named " + dev + ")"}
                            : others.toArray(String[]::new)), (others.isEmpty() ? "" : "ip link del <that device>; ") + restart));
            return;
        }
        Link l = link.get();
        Evidence ev = Evidence.of(n.node(), NodeFacts.COMMANDS.get("link"), l.raw());
        if (l.vxlan() == null) {
            out.add(finding(n, dev + " on " + n.node() + " is not a VXLAN device (" + l.kind() + ")", ev, "ip link del " + dev + "; " + restart));
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (l.vxlan().id() != vni) {
            wrong.add("VNI " + l.vxlan().id() + " instead of " + vni);
        }
        if (l.vxlan().port() != port) {
            wrong.add("port " + l.vxlan().port() + " instead of " + port);
        }
        Optional<LeaseFact> lease = f.leaseOf(n.node());
        if (lease.isPresent() && l.vxlan().local() != null && !l.vxlan().local().equals(lease.get().attrs().publicIp().toString())) {
            wrong.add("local address " + l.vxlan().local() + " while the lease advertises " + lease.get().attrs().publicIp());
        }
        if (l.vxlan().local() != null && l.vxlan().lower() != null) {
            Optional<Link> holder = n.links().stream()
                    .filter(x -> x.addresses().stream().anyMatch(a -> a.ip().toString().equals(l.vxlan().local()))).findFirst();
            if (holder.isPresent() && !holder.get().name().equals(l.vxlan().lower())) {
                wrong.add("lower device " + l.vxlan().lower() + " while " + l.vxlan().local() + " is on " + holder.get().name());
            }
        }
        if (!wrong.isEmpty()) {
            out.add(finding(n, dev + " on " + n.node() + " has " + String.join(", ", wrong), ev, "ip link del " + dev + "; " + restart));
        } else if (!l.up()) {
            out.add(finding(n, dev + " on " + n.node() + " is down", ev, "ip link set " + dev + " up"));
        }
    }

    private Finding finding(NodeFacts n, String summary, Evidence ev, String fix) {
        return new Finding(id(), Severity.ERROR, List.of(n.node()), summary, List.of(ev), EXPLAIN, fix);
    }
}
