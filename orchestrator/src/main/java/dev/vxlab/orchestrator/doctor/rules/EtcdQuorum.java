package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.EtcdFacts;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * VX018: a member of the lab's etcd cluster is down (a warning while the majority holds: one failure fewer is
 * left), or the cluster lost its quorum (an error: etcd takes no writes). Only for etcd with several members; a
 * single etcd that cannot be read is VX013.
 */
public final class EtcdQuorum implements Rule {
    static final String EXPLAIN = "etcd's members agree on every write by a majority (2 of 3, 3 of 5). While a majority answers, the"
            + " cluster works and the agents go on through the other endpoints; without one, etcd takes no writes: no lease can be"
            + " renewed or taken, a node that restarts cannot start, and nothing new is learnt. The agents keep the routes they have,"
            + " so the overlay goes on working until a lease runs out.";

    @Override
    public String id() {
        return "VX018";
    }

    @Override
    public String title() {
        return "a member of the lab's etcd is down, or the cluster lost its quorum";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        EtcdFacts etcd = f.etcd();
        if (!f.live() || etcd == null || etcd.members().size() < 2) {
            return out;
        }
        List<EtcdFacts.Member> members = etcd.members();
        EtcdFacts.Quorum q = EtcdFacts.Quorum.of(members);
        if (q.down().isEmpty()) {
            return out;
        }
        List<String> lines = members.stream().map(m -> m.name() + " on " + m.on() + " " + m.clientUrl() + " " + m.health()
                + (m.leader() ? " (leader)" : "")).toList();
        Evidence evidence = new Evidence("vxlab", "GET /health and POST /v3/maintenance/status on each member", lines);
        String names = q.downNames();
        String fix = "vxlab up " + (f.spec().source() == null ? f.spec().name() : f.spec().source())
                + " starts the members that are down; they rejoin from their data (vxlab status " + f.spec().name() + " shows each)";
        List<String> nodes = q.down().stream().filter(m -> f.spec().nodes().stream().anyMatch(x -> x.name().equals(m.on()))).map(EtcdFacts.Member::on).toList();
        if (q.held()) {
            out.add(new Finding(id(), Severity.WARNING, nodes, "etcd member " + names + ": " + q.healthy() + " of " + q.members()
                    + " members healthy, so " + q.spare() + " more may fail before the quorum is lost", List.of(evidence), EXPLAIN, fix));
        } else {
            out.add(new Finding(id(), Severity.ERROR, nodes, "etcd lost its quorum: " + q.healthy() + " of " + q.members() + " members healthy, "
                    + q.needed() + " needed (" + names + ")", List.of(evidence), EXPLAIN, fix));
        }
        return out;
    }
}
