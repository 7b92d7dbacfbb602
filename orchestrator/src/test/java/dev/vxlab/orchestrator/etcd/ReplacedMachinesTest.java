package dev.vxlab.orchestrator.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which leases {@code up} releases before starting the agents: those of machines replaced since they were written. */
class ReplacedMachinesTest {
    static final String P = "/coreos.com/network";
    static final String OLD = "0123456789abcdef0123456789abcdef";
    static final String NEW = "fedcba9876543210fedcba9876543210";

    static String value(String node, String id) {
        return "{\"PublicIP\":\"192.168.56.12\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"02:00:00:00:00:01\"}"
                + (node == null ? "" : ",\"Vxlab\":{\"NodeName\":\"" + node + "\",\"Interface\":\"eth1\"" + (id == null ? "" : ",\"NodeID\":\"" + id + "\"") + "}")
                + "}";
    }

    @Test
    void aLeaseOfTheNodesPreviousMachineIsReleased() {
        Map<String, String> leases = Map.of(P + "/subnets/10.244.55.0-24", value("vt2", OLD));
        assertEquals(List.of(P + "/subnets/10.244.55.0-24"), ReplacedMachines.keys(P, leases, Map.of("vt2", NEW)), "a new disk: a new node ID");
        assertEquals(List.of(P + "/subnets/10.244.55.0-24"), ReplacedMachines.keys(P, leases, Map.of("vt2", "")), "made anew, no agent yet");
    }

    @Test
    void theNodesOwnLeaseAndOthersAreKept() {
        Map<String, String> leases = new TreeMap<>(Map.of(
                P + "/subnets/10.244.55.0-24", value("vt2", NEW),
                P + "/subnets/10.244.56.0-24", value("vt9", OLD),
                P + "/subnets/10.244.57.0-24", value(null, null),
                P + "/subnets/10.244.58.0-24", value("vt3", null),
                P + "/subnets/10.244.59.0-24", "not json",
                P + "/config", value("vt2", OLD)));
        assertEquals(List.of(), ReplacedMachines.keys(P, leases, Map.of("vt2", NEW, "vt3", "")),
                "its own; a node not in the lab; a flanneld lease; one written before node IDs; a malformed value; not a lease key");
    }
}
