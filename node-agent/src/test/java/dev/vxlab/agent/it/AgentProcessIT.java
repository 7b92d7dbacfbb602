package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar, through its launcher, on Vagrant-shaped nodes in network namespaces (eth0 = 10.0.2.15
 * with the default route on every node, eth1 on a host-only switch), against a real etcd process running in
 * the switch namespace. Root only; everything is created under a prefix the test owns and removed after.
 */
class AgentProcessIT extends LabIT {
    private static final Pattern RETRY = Pattern.compile("retrying in (\\d+)s$");

    static final String CONFIG = "{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}";
    static final Pattern ACQUIRED = Pattern.compile("Subnet lease acquired: (\\S+)");

    @BeforeEach
    void resetEtcd() {
        lab.etcdctl("del", "--prefix", "/coreos.com/network");
        assertTrue(lab.etcdctl("put", "/coreos.com/network/config", CONFIG).ok());
    }

    AgentProcess start(int node, String... args) {
        return startAgent(node, List.of(args));
    }

    static String subnetOf(String acquiredLine) {
        Matcher m = ACQUIRED.matcher(acquiredLine);
        assertTrue(m.find(), acquiredLine);
        return m.group(1);
    }

    String leaseValue(String subnet) {
        String key = "/coreos.com/network/subnets/" + subnet.replace('/', '-');
        Cmd.Result r = lab.etcdctl("get", "--print-value-only", key);
        assertTrue(r.ok(), r.out());
        return r.out().trim();
    }

    List<String> leaseKeys() {
        return List.of(lab.etcdctl("get", "--prefix", "--keys-only", "/coreos.com/network/subnets/").out().split("\n"))
                .stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void threeNodesOnEth1LeaseDistinctSubnetsAndWriteSubnetEnv() throws Exception {
        List<AgentProcess> started = List.of(start(1, "--iface=eth1"), start(2, "--iface=eth1"), start(3, "--iface=eth1"));
        Set<String> subnets = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            AgentProcess a = started.get(i - 1);
            a.awaitLine("Using interface with name eth1 and address " + NetnsLab.nodeIp(i), 20);
            String subnet = subnetOf(a.awaitLine("Subnet lease acquired: ", 20));
            subnets.add(subnet);
            String value = leaseValue(subnet);
            assertTrue(value.startsWith("{\"PublicIP\":\"" + NetnsLab.nodeIp(i) + "\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\""), value);
            assertTrue(value.contains("\"NodeName\":\"kube" + i + "\""), "node identity is the hostname: " + value);

            a.awaitLine("Wrote " + a.dir.resolve("subnet.env"), 20);
            String env = Files.readString(a.dir.resolve("subnet.env"));
            String firstHost = subnet.replaceFirst("\\.0/24$", ".1/24");
            assertEquals("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=" + firstHost + "\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n", env);
            String docker = Files.readString(a.dir.resolve("docker_opts.env"));
            assertTrue(docker.contains("DOCKER_OPT_BIP=\"--bip=" + firstHost + "\"") && docker.contains("--mtu=1450"), docker);
        }
        assertEquals(3, subnets.size(), "distinct subnets " + subnets);
        assertEquals(3, leaseKeys().size());
        for (AgentProcess a : started) {
            for (String other : subnets) {
                if (!a.output().contains("Subnet lease acquired: " + other)) {
                    a.awaitLine("Subnet added: " + other, 20);
                }
            }
        }
    }

    @Test
    void killedAndRestartedAgentKeepsItsSubnet() throws Exception {
        AgentProcess first = start(1, "--iface=eth1");
        String subnet = subnetOf(first.awaitLine("Subnet lease acquired: ", 20));
        first.kill9();

        AgentProcess again = start(1, "--iface=eth1");
        assertEquals(subnet, subnetOf(again.awaitLine("Subnet lease acquired: ", 20)));
        again.awaitLine("for this node (kube1), reusing", 5);
        assertEquals(1, leaseKeys().size());

        assertEquals(0, again.terminate(), "SIGTERM exits 0");
        assertEquals(List.of("/coreos.com/network/subnets/" + subnet.replace('/', '-')), leaseKeys(), "lease left in place");
    }

    @Test
    void deletedLeaseIsReacquiredWithTheSameSubnet() {
        AgentProcess a = start(2, "--iface=eth1");
        String subnet = subnetOf(a.awaitLine("Subnet lease acquired: ", 20));
        assertTrue(lab.etcdctl("del", "/coreos.com/network/subnets/" + subnet.replace('/', '-')).ok());

        a.awaitLine("lost", 15);
        String line = a.awaitLine(l -> l.contains("Subnet lease acquired") && a.output().indexOf(l) > a.output().indexOf("lost"),
                "a second 'Subnet lease acquired'", 15);
        assertEquals(subnet, subnetOf(line));
        assertTrue(leaseValue(subnet).contains("\"NodeName\":\"kube2\""));
        assertTrue(a.alive());
    }

    @Test
    void vagrantTrapSecondNodeOnEth0IsRefusedWithAnExplanation() throws Exception {
        // No --iface: both agents pick eth0 (the default route), 10.0.2.15, as flanneld does under Vagrant.
        AgentProcess first = start(1);
        first.awaitLine("Using interface with name eth0 and address 10.0.2.15", 20);
        String subnet = subnetOf(first.awaitLine("Subnet lease acquired: ", 20));
        String before = leaseValue(subnet);

        AgentProcess second = start(2);
        assertEquals(1, second.awaitExit(30), "refusal exits non-zero");
        String out = second.output();
        for (String expected : List.of("kube1", "kube2", "10.0.2.15", "eth0", "Vagrant", "eth1 192.168.56.12/24", "--iface=eth1",
                "--iface-can-reach")) {
            assertTrue(out.contains(expected), "refusal mentions " + expected + ":\n" + out);
        }
        assertEquals(before, leaseValue(subnet), "the first node's lease is untouched");
        assertEquals(1, leaseKeys().size());
        assertTrue(first.alive());
    }

    @Test
    void sysconfigFileWithFlannelOptionsIsHonoured() throws Exception {
        Path file = tmp.resolve("flanneld");
        Files.writeString(file, "# /etc/sysconfig/flanneld\nFLANNEL_ETCD_ENDPOINTS=\"http://192.168.56.1:2379\"\n"
                + "FLANNEL_ETCD_PREFIX=\"/coreos.com/network\"\nFLANNEL_OPTIONS=\"-iface=eth1 --subnet-lease-ttl=2m\"\n");
        AgentProcess a = new AgentProcess(lab.node(3), "kube3", tmp.resolve("kube3"),
                List.of("--env-file=" + file, "--subnet-file=" + tmp.resolve("kube3/subnet.env"),
                        "--node-id-file=" + tmp.resolve("kube3/node-id")));
        agents.add(a);
        a.awaitLine("Using interface with name eth1 and address 192.168.56.13", 20);
        subnetOf(a.awaitLine("Subnet lease acquired: ", 20));
        assertTrue(a.output().contains("subnetLeaseTtl=2m0s"), a.output());
    }

    @Test
    void missingNetworkConfigIsAwaitedWithAnEtcdctlHint() {
        lab.etcdctl("del", "/coreos.com/network/config");
        AgentProcess a = start(1, "--iface=eth1");
        a.awaitLine("etcdctl put /coreos.com/network/config", 20);
        assertTrue(lab.etcdctl("put", "/coreos.com/network/config", CONFIG).ok());
        subnetOf(a.awaitLine("Subnet lease acquired: ", 20));
    }

    @Test
    void agentRidesOutAnEtcdOutageAndKeepsItsLease() throws Exception {
        AgentProcess a = start(1, "--iface=eth1");
        String subnet = subnetOf(a.awaitLine("Subnet lease acquired: ", 20));
        a.awaitLine("Wrote ", 20); // the lease watch is open
        etcd.interrupt(); // etcd ends: the watch breaks at once, then every check fails
        try {
            a.awaitLine("etcd unreachable", 40);
            assertTrue(a.alive(), "still running while etcd is down");
            // the retries keep to the backoff they announce (1s, 2s, 4s, 8s): each "retrying in Ns" line is
            // followed by the next failure no sooner than N s later (the broken watch once woke the loop at once,
            // so retries came one etcd call timeout apart whatever the backoff said)
            a.awaitLine(l -> unreachable(a.output()).size() >= 5, "a fifth \"etcd unreachable\"", 90);
            List<String> lines = unreachable(a.output());
            for (int i = 1; i < lines.size(); i++) {
                Matcher m = RETRY.matcher(lines.get(i - 1));
                assertTrue(m.find(), lines.get(i - 1));
                long gap = Duration.between(Instant.parse(lines.get(i - 1).substring(0, lines.get(i - 1).indexOf(' '))),
                        Instant.parse(lines.get(i).substring(0, lines.get(i).indexOf(' ')))).toMillis();
                assertTrue(gap >= Long.parseLong(m.group(1)) * 1000, "retry " + gap + " ms after:\n" + String.join("\n", lines));
            }
        } finally {
            etcd.resume();
        }
        a.awaitLine("etcd is reachable again", 60);
        assertTrue(a.alive());
        assertNotEquals("", leaseValue(subnet));
    }

    /** The agent's "etcd unreachable ... retrying in Ns" lines of the main loop, in order. */
    private static List<String> unreachable(String log) {
        return log.lines().filter(l -> l.contains(" WARN Agent - etcd unreachable (")).toList();
    }
}
