package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX004: a lease whose etcd lease runs out soon (a tenth of the lab's lease TTL, at least two minutes). */
public final class LeaseExpiring implements Rule {
    @Override
    public String id() {
        return "VX004";
    }

    @Override
    public String title() {
        return "a lease expires soon";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        long soon = Math.max(120, f.spec().agent().leaseTtl().toSeconds() / 10);
        for (LeaseFact l : f.leases()) {
            if (l.ttl() == null || l.ttl() > soon) {
                continue;
            }
            String who = l.nodeName() == null ? "a node" : l.nodeName();
            out.add(new Finding(id(), Severity.WARNING, l.nodeName() == null ? List.of() : List.of(l.nodeName()),
                    "the lease " + l.subnet() + " of " + who + " expires in " + l.ttl() + " s",
                    List.of(Evidence.of("etcd", "etcdctl lease timetolive (of " + l.key() + ")", "remaining(" + l.ttl() + "s)", l.etcdctlLine())),
                    "A lease lives as long as its agent renews it (vxlabd renews " + "an hour before the end of its TTL). One that is"
                            + " about to run out belongs to an agent that stopped, or cannot reach etcd: when it expires the key goes,"
                            + " every peer drops its routes to that subnet, and the subnet may be given to another node.",
                    "make sure the agent on " + who + " runs and reaches etcd (vxlab doctor names either); it renews the lease itself"));
        }
        return out;
    }
}
