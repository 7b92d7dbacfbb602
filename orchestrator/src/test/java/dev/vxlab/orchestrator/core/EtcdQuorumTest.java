package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.orchestrator.doctor.EtcdFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `status` says of the etcd members' answers: quorum held, one down, quorum lost. */
class EtcdQuorumTest {
    static EtcdFacts.Member m(String name, String health, boolean leader) {
        return new EtcdFacts.Member(name, name, "http://x:2379", health, leader);
    }

    @Test
    void allHealthyNamesTheLeader() {
        assertEquals("quorum: 3 of 3 members healthy, leader kube2", EtcdQuorum.summary(List.of(
                m("kube1", EtcdQuorum.HEALTHY, false), m("kube2", EtcdQuorum.HEALTHY, true), m("kube3", EtcdQuorum.HEALTHY, false)), "labs/x.yaml"));
    }

    @Test
    void oneDownKeepsQuorumAndSaysNoneMoreMayFail() {
        assertEquals("quorum: 2 of 3 members healthy, leader kube1; kube3 down (0 more may fail; `vxlab up labs/x.yaml` starts it"
                + " again and it rejoins)", EtcdQuorum.summary(List.of(
                m("kube1", EtcdQuorum.HEALTHY, true), m("kube2", EtcdQuorum.HEALTHY, false), m("kube3", EtcdQuorum.DOWN, false)), "labs/x.yaml"));
        assertEquals("quorum: 4 of 5 members healthy, leader a; e unreachable (1 more may fail; `vxlab up s` starts it again and it rejoins)",
                EtcdQuorum.summary(List.of(m("a", EtcdQuorum.HEALTHY, true), m("b", EtcdQuorum.HEALTHY, false), m("c", EtcdQuorum.HEALTHY, false),
                        m("d", EtcdQuorum.HEALTHY, false), m("e", EtcdQuorum.UNREACHABLE, false)), "s"));
    }

    @Test
    void aLostQuorumSaysWhatItMeansForTheOverlayAndWhatToDo() {
        assertEquals("quorum lost: 1 of 3 members healthy, 2 needed (kube2 down, kube3 no leader): etcd takes no writes, so no lease can"
                + " be renewed or taken, and an agent that restarts cannot start; the agents keep the routes they have until etcd is back:"
                + " `vxlab up labs/x.yaml` starts the members that are down", EtcdQuorum.summary(List.of(
                m("kube1", EtcdQuorum.HEALTHY, false), m("kube2", EtcdQuorum.DOWN, false), m("kube3", EtcdQuorum.NO_LEADER, false)), "labs/x.yaml"));
    }

    @Test
    void oneMemberIsHealthyOrNot() {
        assertEquals("etcd healthy, leader vxlab-q", EtcdQuorum.summary(List.of(m("vxlab-q", EtcdQuorum.HEALTHY, true)), "q"));
        assertEquals("etcd down: etcd takes no writes, so no lease can be renewed or taken, and an agent that restarts cannot start;"
                + " the agents keep the routes they have until etcd is back: `vxlab up q` starts the members that are down",
                EtcdQuorum.summary(List.of(m("vxlab-q", EtcdQuorum.DOWN, false)), "q"));
    }
}
