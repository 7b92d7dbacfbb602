package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane for real: three Vagrant-shaped nodes in network namespaces, each running vxlabd as its own
 * JVM against a real etcd, each with a "container" on a docker0 bridge addressed from its subnet.env — and
 * every cross-node container pair must ping over the kernel's VXLAN (then host-gw, then DirectRouting).
 * Root only; all names under a prefix the test owns; nothing sent outside the lab's namespaces.
 */
class DataPlaneIT extends LabIT {
    static final Pattern ACQUIRED = Pattern.compile("Subnet lease acquired: (\\S+)");

    @AfterEach
    void removeDevices() {
        stopAgents(); // first, or a running agent re-creates its device
        for (int i = 1; i <= NODES; i++) {
            lab.inNode(i, "ip", "link", "del", "flannel.1");
            lab.inNode(i, "ip", "link", "del", "flannel.7");
        }
    }

    void config(String json) {
        lab.etcdctl("del", "--prefix", "/coreos.com/network");
        assertTrue(lab.etcdctl("put", "/coreos.com/network/config", json).ok());
    }

    AgentProcess start(int node, String... extra) {
        List<String> args = new ArrayList<>(List.of("--iface=eth1"));
        args.addAll(List.of(extra));
        return startAgent(node, args);
    }

    /** Starts every node's agent at once, waits for each subnet.env, and puts a container on each node. */
    Map<Integer, String> startAllWithContainers(String... extra) throws Exception {
        List<AgentProcess> started = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            started.add(start(i, extra));
        }
        Map<Integer, String> containers = new LinkedHashMap<>();
        for (int i = 1; i <= NODES; i++) {
            AgentProcess a = started.get(i - 1);
            a.awaitLine("Wrote " + a.dir.resolve("subnet.env"), 30);
            Map<String, String> env = env(a.dir.resolve("subnet.env"));
            containers.put(i, lab.addContainer(i, env.get("FLANNEL_SUBNET"), Integer.parseInt(env.get("FLANNEL_MTU"))));
        }
        // full mesh: every agent has added every other node's subnet
        for (AgentProcess a : started) {
            awaitCount(a, "Subnet added: ", NODES - 1);
        }
        return containers;
    }

    static Map<String, String> env(Path file) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    static void awaitCount(AgentProcess a, String text, int count) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (a.output().split(Pattern.quote(text), -1).length - 1 < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " lines with \"" + text + "\"; log:\n" + a.output());
            }
            EtcdProcess.sleep(50);
        }
    }

    void assertFullPingMatrix(Map<Integer, String> containers) {
        List<String> failed = new ArrayList<>();
        for (int from = 1; from <= NODES; from++) {
            for (int to = 1; to <= NODES; to++) {
                if (from != to) {
                    Cmd.Result r = lab.ping(from, containers.get(to));
                    if (!r.ok()) {
                        failed.add("c" + from + " -> c" + to + " (" + containers.get(to) + "):\n" + r.out());
                    }
                }
            }
        }
        assertEquals(List.of(), failed, "every cross-node container pair pings");
    }

    static String subnetOf(AgentProcess a) {
        Matcher m = ACQUIRED.matcher(a.awaitLine("Subnet lease acquired: ", 30));
        assertTrue(m.find());
        return m.group(1);
    }

    String kernelEntries(int node) {
        return lab.inNode(node, "ip", "route", "show", "dev", "flannel.1").out()
                + lab.inNode(node, "ip", "neigh", "show", "dev", "flannel.1").out()
                + lab.inNode(node, "bridge", "fdb", "show", "dev", "flannel.1").out().lines()
                        .filter(l -> l.contains(" dst ")).reduce("", (x, y) -> x + y + "\n");
    }

    @Test
    void vxlanContainersOnEveryNodeReachEachOtherAndRoutesFollowTheLeases() throws Exception {
        config("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        Map<Integer, String> containers = startAllWithContainers();
        assertFullPingMatrix(containers);

        // the device as flannel makes it
        String link = lab.inNode(1, "ip", "-d", "link", "show", "flannel.1").out();
        assertTrue(link.contains("vxlan id 1") && link.contains("dstport 8472") && link.contains("nolearning")
                && link.contains("mtu 1450"), link);

        // delete kube3's lease: kube1 and kube2 remove its route, neighbour and FDB entry
        String subnet3 = subnetOf(agents.get(2));
        agents.get(2).kill9();
        assertTrue(lab.etcdctl("del", "/coreos.com/network/subnets/" + subnet3.replace('/', '-')).ok());
        for (int i = 1; i <= 2; i++) {
            agents.get(i - 1).awaitLine("Subnet removed: " + subnet3, 10);
            String entries = kernelEntries(i);
            assertFalse(entries.contains(subnet3.substring(0, subnet3.indexOf('/'))), "kube" + i + " still has entries:\n" + entries);
        }

        // kill -9 and restart kube1: same subnet, and the kernel entries are exactly as before (no duplicates)
        String subnet1 = subnetOf(agents.get(0));
        String before = kernelEntries(1);
        agents.get(0).kill9();
        AgentProcess again = start(1);
        assertEquals(subnet1, subnetOf(again));
        again.awaitLine("Wrote ", 30);
        assertEquals(before, kernelEntries(1));
        assertTrue(lab.ping(1, containers.get(2)).ok(), "c1 -> c2 after restart");
    }

    @Test
    void existingDeviceWithAnotherVniIsRecreated() throws Exception {
        config("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        assertTrue(lab.inNode(1, "ip", "link", "add", "flannel.1", "type", "vxlan", "id", "7", "dev", "eth1", "dstport", "4789").ok());
        AgentProcess a = start(1);
        a.awaitLine("\"flannel.1\" already exists with incompatible configuration: vni: 1 vs 7; recreating device", 30);
        a.awaitLine("Wrote ", 30);
        String link = lab.inNode(1, "ip", "-d", "link", "show", "flannel.1").out();
        assertTrue(link.contains("vxlan id 1 ") && link.contains("dstport 8472"), link);
    }

    @Test
    void hostGwContainersReachEachOther() throws Exception {
        config("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");
        Map<Integer, String> containers = startAllWithContainers();
        assertFullPingMatrix(containers);
        String routes = lab.inNode(1, "ip", "route").out();
        assertTrue(routes.contains("via 192.168.56.12 dev eth1"), routes);
        assertFalse(lab.inNode(1, "ip", "link", "show", "flannel.1").ok(), "host-gw makes no VXLAN device");
    }

    @Test
    void directRoutingUsesTheUnderlayForPeersOnTheSameNetwork() throws Exception {
        config("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}");
        Map<Integer, String> containers = startAllWithContainers();
        assertFullPingMatrix(containers);
        String routes = lab.inNode(1, "ip", "route").out();
        assertTrue(routes.contains("via 192.168.56.12 dev eth1"), routes);
        assertEquals("", lab.inNode(1, "ip", "neigh", "show", "dev", "flannel.1").out().trim(), "no VXLAN neighbours needed");
    }

    @Test
    void routeDeletedByHandIsRestoredAndHealthzTellsTheTruth() throws Exception {
        config("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        int port = 9811;
        AgentProcess a1 = start(1, "--healthz-ip=127.0.0.1", "--healthz-port=" + port);
        AgentProcess a2 = start(2);
        a1.awaitLine("Wrote ", 30);
        String subnet2 = subnetOf(a2);
        a1.awaitLine("Subnet added: " + subnet2, 30);
        assertTrue(lab.inNode(1, "ip", "route", "del", subnet2).ok());
        long deadline = System.nanoTime() + 45_000_000_000L;
        while (!lab.inNode(1, "ip", "route", "show", subnet2).out().contains("flannel.1")) {
            assertTrue(System.nanoTime() < deadline, "route restored within the resync interval");
            EtcdProcess.sleep(200);
        }
        // /healthz and /metrics, asked inside the node's namespace on its loopback
        Cmd.Result health = lab.inNode(1, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port
                + "; printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
        assertTrue(health.out().contains("200") && health.out().contains("subnet lease"), health.out());
        Cmd.Result metrics = lab.inNode(1, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port
                + "; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
        assertTrue(metrics.out().contains("vxlabd_peers_programmed 1"), metrics.out());
        assertTrue(lab.inNode(1, "ip", "link", "del", "flannel.1").ok());
        deadline = System.nanoTime() + 45_000_000_000L;
        while (!lab.inNode(1, "ip", "link", "show", "flannel.1").ok()) {
            assertTrue(System.nanoTime() < deadline, "device re-created within the resync interval");
            EtcdProcess.sleep(200);
        }
        a1.awaitLine("Device flannel.1 is missing; re-creating it", 5);
    }
}
