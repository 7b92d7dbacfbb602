package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Link;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;
import java.util.Optional;

/** VX009: the container bridge, or a container, with a larger MTU than flannel.&lt;VNI&gt; (the classic "ping works, curl hangs"). */
public final class Mtu extends NodeRule {
    static final String EXPLAIN = "VXLAN adds 50 bytes (outer IPv4, UDP, VXLAN and inner Ethernet headers), so flannel.<VNI> has the"
            + " underlay's MTU minus 50 and subnet.env says FLANNEL_MTU; Docker is started with --mtu=$FLANNEL_MTU for that reason."
            + " A bridge or container with a larger MTU sends packets that do not fit: small ones (ping) pass, full-size ones"
            + " (a TCP transfer, curl) are dropped on the way, and the connection hangs.";

    public Mtu() {
        super("VX009", "the container bridge or a container has a larger MTU than flannel.<VNI> (ping works, curl hangs)");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        Optional<Link> vx = n.link(f.vxlanDevice());
        if (vx.isEmpty()) {
            return;
        }
        int max = vx.get().mtu();
        Evidence vxEv = Evidence.of(n.node(), NodeFacts.COMMANDS.get("link"), vx.get().raw());
        n.link("docker0").filter(b -> b.mtu() > max).ifPresent(b -> out.add(new Finding(id(), Severity.ERROR, List.of(n.node()),
                "docker0 on " + n.node() + " has MTU " + b.mtu() + ", more than " + f.vxlanDevice() + "'s " + max,
                List.of(vxEv, Evidence.of(n.node(), NodeFacts.COMMANDS.get("link"), b.raw())), EXPLAIN,
                "ip link set docker0 mtu " + max + "  (with Docker: --mtu=$FLANNEL_MTU, as mk-docker-opts.sh writes it)")));
        for (Link c : n.container()) {
            if (!c.name().equals("lo") && c.mtu() > max) {
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "the test container's " + c.name() + " on " + n.node()
                        + " has MTU " + c.mtu() + ", more than " + f.vxlanDevice() + "'s " + max,
                        List.of(vxEv, Evidence.of(n.node(), NodeFacts.COMMANDS.get("container"), c.raw())), EXPLAIN,
                        "ip netns exec vxtest ip link set " + c.name() + " mtu " + max));
            }
        }
    }
}
