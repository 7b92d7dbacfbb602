package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.doctor.EtcdFacts;
import java.util.List;

/** What the members' answers mean for the lab (pure): quorum held or lost, and what a lost one does to the overlay. */
final class EtcdQuorum {
    static final String HEALTHY = EtcdFacts.Member.HEALTHY;
    static final String UNHEALTHY = "unhealthy";
    static final String NO_LEADER = "no leader";
    static final String DOWN = "down";
    static final String UNREACHABLE = "unreachable";

    private EtcdQuorum() {
    }

    /** One line: "quorum: 3 of 3 members healthy, leader kube2", or the lost quorum and what to do ({@code spec}: for `vxlab up`). */
    static String summary(List<EtcdFacts.Member> members, String spec) {
        EtcdFacts.Quorum q = EtcdFacts.Quorum.of(members);
        int n = q.members();
        if (q.held()) {
            String line = (n == 1 ? "etcd healthy" : "quorum: " + q.healthy() + " of " + n + " members healthy")
                    + (q.leader() == null ? "" : ", leader " + q.leader());
            return q.down().isEmpty() ? line : line + "; " + q.downNames() + " (" + q.spare() + " more may fail;"
                    + " `vxlab up " + spec + "` starts it again and it rejoins)";
        }
        return (n == 1 ? "etcd " + members.get(0).health() : "quorum lost: " + q.healthy() + " of " + n + " members healthy, " + q.needed()
                + " needed (" + q.downNames() + ")") + ": etcd takes no writes, so no lease can be renewed or taken, and an agent that"
                + " restarts cannot start; the agents keep the routes they have until etcd is back: `vxlab up " + spec + "`"
                + " starts the members that are down";
    }
}
