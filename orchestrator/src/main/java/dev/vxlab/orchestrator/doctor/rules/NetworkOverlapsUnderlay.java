package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts.Link;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * VX014: the overlay Network (the one etcd holds now, which anyone can change with etcdctl) overlapping the
 * network of a node's own interfaces. The spec's own networks are checked when it is loaded; this sees a
 * config written by hand, and the interfaces a node really has.
 */
public final class NetworkOverlapsUnderlay implements Rule {
    @Override
    public String id() {
        return "VX014";
    }

    @Override
    public String title() {
        return "the overlay Network overlaps the network of a node's own interface";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        if (!f.live() || f.etcd() == null || f.etcd().config() == null) {
            return out;
        }
        Ip4Net network;
        try {
            network = Ip4Net.parse((String) Json.parseObject(f.etcd().config()).get("Network"));
        } catch (RuntimeException e) {
            return out;
        }
        String dev = f.vxlanDevice();
        for (NodeFacts n : f.reachableNodes()) {
            for (Link l : n.links()) {
                // the overlay's own interfaces carry overlay addresses by design
                if (l.vxlan() != null || l.name().equals(dev) || l.name().equals("docker0") || l.name().equals("lo")) {
                    continue;
                }
                for (Ip4Net a : l.addresses()) {
                    if (a.canonical().overlaps(network)) {
                        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "the overlay Network " + network + " overlaps "
                                + a.canonical() + " of " + l.name() + " on " + n.node(),
                                List.of(Evidence.of("etcd", "etcdctl get " + f.spec().etcd().prefix() + "/config", f.etcd().config()),
                                        Evidence.of(n.node(), NodeFacts.COMMANDS.get("addr"), l.raw())),
                                "The overlay's routes (one per subnet, via flannel.<VNI>) and the node's own connected route for "
                                        + a.canonical() + " then claim the same addresses: packets for the underlay can vanish into the"
                                        + " overlay, or the reverse, depending on which route is more specific.",
                                "choose a Network that no node's interface uses: network.cidr in " + f.spec().source()
                                        + ", then `vxlab up` (it writes " + f.spec().etcd().prefix() + "/config)"));
                    }
                }
            }
        }
        return out;
    }

}
