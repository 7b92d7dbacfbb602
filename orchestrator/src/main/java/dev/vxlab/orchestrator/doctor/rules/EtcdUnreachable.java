package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** VX013: etcd unreachable from a node (a TCP connect to each endpoint of its sysconfig), or from vxlab itself. */
public final class EtcdUnreachable implements Rule {
    static final String EXPLAIN = "The agents keep their leases in etcd and learn the others' from it. A node that cannot reach etcd"
            + " keeps the routes it has, but cannot renew its lease (it expires after the TTL and the node drops out) and learns"
            + " nothing new; a new node cannot start.";

    @Override
    public String id() {
        return "VX013";
    }

    @Override
    public String title() {
        return "etcd is unreachable from a node (or from vxlab)";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        if (!f.live()) {
            return out;
        }
        if (f.etcd() != null && !f.etcd().readable()) {
            out.add(new Finding(id(), Severity.ERROR, List.of(), "etcd at " + f.etcd().endpoint() + " cannot be read: " + f.etcd().error(),
                    List.of(Evidence.of("vxlab", "etcd range " + f.spec().etcd().prefix(), f.etcd().error())), EXPLAIN,
                    "vxlab status " + f.spec().name() + " shows where etcd runs; `vxlab up " + f.spec().source() + "` starts it again"));
        }
        for (NodeFacts n : f.reachableNodes()) {
            List<String> down = n.etcdReach().entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
            if (down.isEmpty()) {
                continue;
            }
            boolean none = down.size() == n.etcdReach().size();
            out.add(new Finding(id(), none ? Severity.ERROR : Severity.WARNING, List.of(n.node()), "etcd " + String.join(", ", down)
                    + " is unreachable from " + n.node(), List.of(new Evidence(n.node(), NodeFacts.COMMANDS.get("etcd"),
                    n.linesWith("etcd", "unreachable"))), EXPLAIN,
                    (none ? "" : "the agent uses the other endpoints meanwhile; if " + down.get(0) + " is a member of the lab's etcd that"
                            + " stopped, `vxlab status " + f.spec().name() + "` shows the members and `vxlab up` starts it again; else ")
                    + "check the route and firewall from " + n.node() + " to " + down.get(0) + " (ip route get " + down.get(0).split(":")[0]
                            + "; iptables-save), and that FLANNEL_ETCD_ENDPOINTS in /etc/sysconfig/flanneld names etcd's address"));
        }
        return out;
    }
}
