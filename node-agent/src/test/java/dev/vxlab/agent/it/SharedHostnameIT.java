package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Eight machines with one hostname ("vm": cloned VMs, cloud images, Vagrant boxes without a hostname of
 * their own), real agents against a real etcd. vxlabd once identified its lease by node name alone: every
 * agent took the first one's subnet and they took it from each other every ten seconds, with no route
 * anywhere. Root only; the lab's namespaces carry a prefix this test owns and are removed after.
 */
@LabIT.Nodes(SharedHostnameIT.MACHINES)
class SharedHostnameIT extends LabIT {
    static final int MACHINES = 8;
    static final Pattern NODE_ID = Pattern.compile("\"NodeID\":\"([0-9a-f]{32})\"");

    @BeforeEach
    void resetEtcd() {
        lab.etcdctl("del", "--prefix", "/coreos.com/network");
        assertTrue(lab.etcdctl("put", "/coreos.com/network/config", AgentProcessIT.CONFIG).ok());
    }

    List<String> leaseValues() {
        return List.of(lab.etcdctl("get", "--prefix", "--print-value-only", "/coreos.com/network/subnets/").out().split("\n"))
                .stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void eightMachinesNamedVmLeaseEightSubnetsAndRouteToEachOther() throws Exception {
        List<AgentProcess> started = new ArrayList<>();
        for (int i = 1; i <= MACHINES; i++) {
            started.add(startAgent(i, "vm", List.of("--iface=eth1")));
        }
        List<String> subnets = new ArrayList<>();
        for (AgentProcess a : started) {
            subnets.add(AgentProcessIT.subnetOf(a.awaitLine("Subnet lease acquired: ", 30)));
        }
        assertEquals(MACHINES, new HashSet<>(subnets).size(), "distinct subnets: " + subnets);
        Set<String> envSubnets = new HashSet<>();
        for (int i = 1; i <= MACHINES; i++) {
            AgentProcess a = started.get(i - 1);
            a.awaitLine("Wrote " + a.dir.resolve("subnet.env"), 20);
            envSubnets.add(Files.readString(a.dir.resolve("subnet.env")).lines()
                    .filter(l -> l.startsWith("FLANNEL_SUBNET=")).findFirst().orElseThrow());
            for (String other : subnets) {
                if (!other.equals(subnets.get(i - 1))) {
                    a.awaitLine("Subnet added: " + other, 30);
                }
            }
        }
        assertEquals(MACHINES, envSubnets.size(), "every subnet.env names a subnet of its own: " + envSubnets);

        List<String> values = leaseValues();
        assertEquals(MACHINES, values.size(), String.join("\n", values));
        Set<String> ids = new HashSet<>();
        for (String v : values) {
            assertTrue(v.contains("\"NodeName\":\"vm\""), v);
            Matcher m = NODE_ID.matcher(v);
            assertTrue(m.find(), v);
            ids.add(m.group(1));
        }
        assertEquals(MACHINES, ids.size(), "a node ID per machine");
        for (int i = 1; i <= MACHINES; i++) {
            assertEquals(Files.readString(tmp.resolve("kube" + i + "/node-id")).strip().length(), 32);
            assertTrue(ids.contains(Files.readString(tmp.resolve("kube" + i + "/node-id")).strip()));
        }

        // nothing flaps: past a periodic check (every 10 s) nobody lost or re-took a lease
        EtcdProcess.sleep(12_000);
        int warned = 0;
        for (AgentProcess a : started) {
            assertTrue(a.alive(), a.output());
            assertFalse(a.output().contains("lost"), a.output());
            warned += a.output().contains("Node name vm is also used by the machine at") ? 1 : 0;
        }
        // every claim but the first sees an earlier one with its name
        assertTrue(warned >= MACHINES - 1, "a repeated name is pointed out by " + warned + " agents");
        assertEquals(values, leaseValues(), "no lease was rewritten");

        // a restart with the same name and address gets the same subnet back
        started.get(4).terminate();
        AgentProcess again = startAgent(5, "vm", List.of("--iface=eth1"));
        assertEquals(subnets.get(4), AgentProcessIT.subnetOf(again.awaitLine("Subnet lease acquired: ", 30)));
        again.awaitLine("for this node (vm), reusing", 5);
        assertEquals(MACHINES, leaseValues().size());
    }

    @Test
    void eightMachinesNamedVmOnTheNatAddressGiveOneLeaseAndSevenRefusals() throws Exception {
        // no --iface: every agent picks eth0 = 10.0.2.15, the Vagrant trap, with one hostname on top
        AgentProcess first = startAgent(1, "vm", List.of());
        first.awaitLine("Using interface with name eth0 and address 10.0.2.15", 20);
        AgentProcessIT.subnetOf(first.awaitLine("Subnet lease acquired: ", 30));
        List<AgentProcess> others = new ArrayList<>();
        for (int i = 2; i <= MACHINES; i++) {
            others.add(startAgent(i, "vm", List.of()));
        }
        for (AgentProcess a : others) {
            assertEquals(1, a.awaitExit(30), "refusal exits non-zero:\n" + a.output());
            String out = a.output();
            for (String expected : List.of("node vm already advertises public IP 10.0.2.15 (from its interface eth0)",
                    "That lease carries this node's name too, but node ID", "--iface=eth1")) {
                assertTrue(out.contains(expected), "refusal says " + expected + ":\n" + out);
            }
            assertFalse(Files.exists(a.dir.resolve("subnet.env")), "a refused node writes no subnet.env");
        }
        assertEquals(1, leaseValues().size());
        assertTrue(first.alive());
    }

    @Test
    void aMachineClonedWithItsNodeIdFileIsStoppedNotFoughtOver() throws Exception {
        AgentProcess original = startAgent(1, "vm", List.of("--iface=eth1"));
        String subnet = AgentProcessIT.subnetOf(original.awaitLine("Subnet lease acquired: ", 30));
        Path copied = tmp.resolve("clone-node-id");
        Files.copy(tmp.resolve("kube1/node-id"), copied);

        AgentProcess clone = startAgent(2, "vm", List.of("--iface=eth1", "--node-id-file=" + copied));
        clone.awaitLine("Subnet lease acquired: ", 30);
        // the original sees its lease rewritten under another etcd lease by an agent with its identity, and stops
        assertEquals(1, original.awaitExit(30), original.output());
        assertTrue(original.output().contains("was rewritten by another agent with the same node ID, now advertising 192.168.56.12"),
                original.output());
        assertTrue(original.output().contains("delete its node ID file"), original.output());
        EtcdProcess.sleep(12_000);
        assertTrue(clone.alive(), clone.output());
        assertFalse(clone.output().contains("lost"), clone.output());
        assertEquals(1, leaseValues().size());
        assertTrue(leaseValues().get(0).startsWith("{\"PublicIP\":\"192.168.56.12\""), leaseValues().get(0));
        assertEquals(subnet, AgentProcessIT.subnetOf(clone.output()));
    }
}
