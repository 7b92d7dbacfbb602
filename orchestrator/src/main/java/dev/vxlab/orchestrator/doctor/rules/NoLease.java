package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX003: a node without a lease in etcd (its subnet.env, if any, names a subnet nobody holds). */
public final class NoLease extends NodeRule {
    public NoLease() {
        super("VX003", "a node holds no lease in etcd");
    }

    @Override
    boolean needsLeases() {
        return true;
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        if (f.leaseOf(n.node()).isPresent()) {
            return;
        }
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("etcd", "etcdctl get --prefix " + f.spec().etcd().prefix() + "/subnets/",
                f.leases().isEmpty() ? List.of("(no lease at all)") : f.leases().stream().map(l -> l.etcdctlLine()).toList()));
        List<String> env = n.linesWith("subnet.env", "FLANNEL_SUBNET");
        if (!env.isEmpty()) {
            ev.add(new Evidence(n.node(), NodeFacts.COMMANDS.get("subnet.env"), env));
        }
        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), n.node() + " holds no subnet lease"
                + (env.isEmpty() ? "" : " although its subnet.env still names one"), ev,
                "A node's lease (a key under " + f.spec().etcd().prefix() + "/subnets/) is how the other nodes learn its subnet"
                        + " and VTEP: without it they have no route, neighbour or FDB entry for it. The agent re-acquires a lease"
                        + " that vanished (the same subnet when it is still free) while it runs.",
                n.agentRunning() ? "the agent re-acquires it at its next check (10 s); if it does not, read its log: tail /var/log/vxlabd.log"
                        : "start the agent: " + Rules.RESTART_AGENT));
    }
}
