package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.LeaseAttrs;
import dev.vxlab.agent.net.Ip4;
import dev.vxlab.agent.net.Ip4Net;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which leases {@code up} releases before starting the agents: those of machines replaced since they were written. */
class LabLeasesTest {
    static final String OLD = "0123456789abcdef0123456789abcdef";
    static final String NEW = "fedcba9876543210fedcba9876543210";

    static Lease lease(String subnet, String node, String id) {
        return new Lease(Ip4Net.parse(subnet), LeaseAttrs.vxlan(Ip4.parse("192.168.56.12"), 1, "02:00:00:00:00:01",
                node == null ? null : new LeaseAttrs.NodeIdentity(node, "eth1", id)), 1, 1, 1);
    }

    @Test
    void aLeaseOfTheNodesPreviousMachineIsReleased() {
        Lease old = lease("10.244.55.0/24", "vt2", OLD);
        assertEquals(List.of(old), LabLeases.replacedMachines(List.of(old), Map.of("vt2", NEW)), "a new disk: a new node ID");
        assertEquals(List.of(old), LabLeases.replacedMachines(List.of(old), Map.of("vt2", "")), "made anew, its agent not started yet");
    }

    @Test
    void theNodesOwnLeaseAndOthersAreKept() {
        List<Lease> leases = List.of(lease("10.244.55.0/24", "vt2", NEW), lease("10.244.56.0/24", "vt9", OLD),
                lease("10.244.57.0/24", null, null), lease("10.244.58.0/24", "vt3", null));
        assertEquals(List.of(), LabLeases.replacedMachines(leases, Map.of("vt2", NEW, "vt3", "")),
                "its own; a node not in the lab; a flanneld lease; one written before node IDs");
    }
}
