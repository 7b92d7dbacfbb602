package dev.vxlab.orchestrator.cli;

import static dev.vxlab.orchestrator.cli.LabUpIT.ipState;
import static dev.vxlab.orchestrator.cli.LabUpIT.run;
import static dev.vxlab.orchestrator.cli.LabUpIT.run0;
import static dev.vxlab.orchestrator.cli.LabUpIT.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd as a real 3-member cluster, as root: on the nodes ({@code on: [kube1, kube2, kube3]}, etcd processes in
 * the netns nodes) and on this machine ({@code members: 3}, three containers). One member killed: no route
 * changes, every lease is still renewed (a 10 s TTL, so a lease that was not renewed would be gone), the ping
 * matrix stays green and status shows the member down; `up` again starts it and it rejoins. One member frozen
 * (SIGSTOP): the same. Two members killed:
 * status says the quorum is lost, the agents' /healthz turns 503 with the reason, and the routes stay; `up`
 * brings it back. Underlays 192.168.70-71.0/24, labs itclu and itclh.
 */
class EtcdClusterIT {
    static Path state;

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-cluster-");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        for (String lab : List.of("itclu", "itclh")) {
            run("down", lab);
        }
        Lab.deleteTree(state);
    }

    static Map<String, Object> status(String lab) {
        LabUpIT.Run st = run("status", lab, "--json");
        assertEquals(0, st.code(), st.err());
        return Json.parseObject(st.out().trim());
    }

    static List<String> health(Map<String, Object> status) {
        return ((List<?>) status.get("etcdMembers")).stream().map(m -> (String) ((Map<?, ?>) m).get("health")).toList();
    }

    /** Every node's routes to the overlay, node by node: what must not change while a member is down. */
    static String routes(String lab, String... nodes) {
        StringBuilder sb = new StringBuilder();
        for (String node : nodes) {
            LabUpIT.Run r = run("ssh", lab, node, "--", "ip route show dev flannel.1 | sort");
            assertEquals(0, r.code(), r.err());
            r.out().lines().forEach(l -> sb.append(node).append(": ").append(l).append('\n'));
        }
        return sb.toString();
    }

    /** The subnets etcd holds leases for, read by status (each with its expiry: a lease not renewed is gone). */
    static Set<Object> leased(Map<String, Object> status) {
        Set<Object> subnets = new HashSet<>();
        for (Object n : (List<?>) status.get("nodes")) {
            Map<?, ?> node = (Map<?, ?>) n;
            if (node.get("subnet") != null && node.get("leaseExpiry") != null) {
                subnets.add(node.get("subnet"));
            }
        }
        return subnets;
    }

    static void within(int seconds, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + seconds + " s");
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void sleep(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void threeMembersOnTheNodesSurviveOneAndReportALostQuorum() {
        String before = ipState();
        LabUpIT.Run up = run("up", spec("cluster-nodes-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("process on kube1, kube2, kube3 at [http://192.168.70.11:2379, http://192.168.70.12:2379,"
                + " http://192.168.70.13:2379] (3 members, asked for in the spec)"), up.out());
        assertTrue(up.out().contains("all 6 pairs ping"), up.out());
        LabUpIT.Run sysconfig = run("ssh", "itclu", "kube3", "--", "cat /etc/sysconfig/flanneld");
        assertTrue(sysconfig.out().contains("FLANNEL_ETCD_ENDPOINTS=\"http://192.168.70.11:2379,http://192.168.70.12:2379,http://192.168.70.13:2379\""),
                sysconfig.out());
        Map<String, Object> st = status("itclu");
        assertEquals(List.of("healthy", "healthy", "healthy"), health(st));
        assertTrue(((String) st.get("quorum")).startsWith("quorum: 3 of 3 members healthy, leader kube"), st.toString());
        Set<Object> subnets = leased(st);
        assertEquals(3, subnets.size(), st.toString());
        String routes = routes("itclu", "kube1", "kube2", "kube3");
        assertEquals(6, routes.lines().filter(l -> l.contains("via")).count(), routes);

        // one member killed (the leader or not: the first) — nothing of the overlay changes
        assertEquals(0, run("ssh", "itclu", "kube1", "--", "kill $(cat /run/vxlab-etcd.pid)").code());
        within(10, "status shows kube1's member down", () -> health(status("itclu")).get(0).equals("down"));
        sleep(12); // past the 10 s lease TTL: every lease must have been renewed through the other two members
        Map<String, Object> one = status("itclu");
        assertEquals(subnets, leased(one), "every lease renewed with one member down: " + one);
        assertTrue(((String) one.get("quorum")).startsWith("quorum: 2 of 3 members healthy"), one.toString());
        assertEquals(routes, routes("itclu", "kube1", "kube2", "kube3"), "no route changed with one member down");
        LabUpIT.Run verify = run("verify", "itclu");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        LabUpIT.Run text = run("status", "itclu");
        assertTrue(text.out().contains("ETCD MEMBER") && text.out().contains("down"), text.out());
        LabUpIT.Run doctor = run("doctor", "itclu", "--json");
        assertTrue(doctor.out().contains("{\"rule\":\"VX018\",\"severity\":\"warning\""), doctor.out());

        // `up` again starts the member that is down, and it rejoins
        LabUpIT.Run again = run("up", spec("cluster-nodes-lab.yaml"));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("restarted on kube1, which rejoined"), again.out());
        assertEquals(List.of("healthy", "healthy", "healthy"), health(status("itclu")));

        // one member frozen (SIGSTOP: its sockets stay open and answer nothing, as a hung VM's would): the agents
        // whose calls it holds must time out and go on through the others
        assertEquals(0, run("ssh", "itclu", "kube3", "--", "kill -STOP $(cat /run/vxlab-etcd.pid)").code());
        try {
            within(15, "status shows kube3's member down", () -> health(status("itclu")).get(2).equals("down"));
            sleep(12);
            Map<String, Object> frozen = status("itclu");
            assertEquals(subnets, leased(frozen), "every lease renewed with one member frozen: " + frozen);
            assertEquals(routes, routes("itclu", "kube1", "kube2", "kube3"), "no route changed with one member frozen");
        } finally {
            run("ssh", "itclu", "kube3", "--", "kill -CONT $(cat /run/vxlab-etcd.pid)");
        }
        within(15, "the thawed member healthy again", () -> health(status("itclu")).equals(List.of("healthy", "healthy", "healthy")));

        // two members killed: the quorum is lost, said plainly; the agents' /healthz says so; the routes stay
        assertEquals(0, run("ssh", "itclu", "kube2", "--", "kill $(cat /run/vxlab-etcd.pid)").code());
        assertEquals(0, run("ssh", "itclu", "kube3", "--", "kill $(cat /run/vxlab-etcd.pid)").code());
        within(15, "status reports the lost quorum", () -> String.valueOf(status("itclu").get("quorum")).startsWith("quorum lost: 0 of 3"));
        // for up to an election timeout the member left still calls itself leader (unhealthy: its /health fails
        // without a quorum); then it steps down (CheckQuorum) and says it has no leader
        within(15, "kube1's member steps down", () -> run("status", "itclu").out()
                .contains("quorum lost: 0 of 3 members healthy, 2 needed (kube1 no leader, kube2 down, kube3 down)"));
        LabUpIT.Run lost = run("status", "itclu");
        assertTrue(lost.out().contains("quorum lost: 0 of 3 members healthy, 2 needed (kube1 no leader, kube2 down, kube3 down)")
                && lost.out().contains("the agents keep the routes"),
                lost.out());
        within(60, "kube1's agent /healthz answers 503 naming etcd", () -> {
            LabUpIT.Run h = run("ssh", "itclu", "kube1", "--", "curl -s -w ' %{http_code}' http://127.0.0.1:8471/healthz");
            return h.out().trim().endsWith(" 503") && h.out().contains("etcd");
        });
        assertEquals(routes, routes("itclu", "kube1", "kube2", "kube3"), "the routes stay while the quorum is lost");
        LabUpIT.Run lostDoctor = run("doctor", "itclu", "--json");
        assertEquals(1, lostDoctor.code(), lostDoctor.out());
        assertTrue(lostDoctor.out().contains("{\"rule\":\"VX018\",\"severity\":\"error\""), lostDoctor.out());

        LabUpIT.Run back = run("up", spec("cluster-nodes-lab.yaml"));
        assertEquals(0, back.code(), back.out() + back.err());
        assertTrue(back.out().contains("restarted on kube2, kube3, which rejoined"), back.out());
        within(30, "every lease held again", () -> leased(status("itclu")).equals(subnets));
        assertEquals(0, run("verify", "itclu").code());

        LabUpIT.Run down = run("down", "itclu");
        assertEquals(0, down.code(), down.err());
        assertFalse(Files.exists(state.resolve("labs").resolve("itclu")), "lab state removed");
        assertEquals(List.of(), leftovers(before, "itclu", "192\\.168\\.70\\."), "down leaves namespaces, links and routes as they were");
    }

    @Test
    void threeContainersOnThisMachineSurviveOneAndDownRemovesThemAll() {
        String before = ipState();
        LabUpIT.Run up = run("up", spec("cluster-here-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("container at [http://192.168.71.1:2379, http://192.168.71.1:22379, http://192.168.71.1:32379]"), up.out());
        assertEquals(3, run0("docker", "ps", "-q", "--filter", "label=dev.vxlab.lab=itclh").trim().lines().count());
        Map<String, Object> st = status("itclh");
        assertEquals(List.of("healthy", "healthy", "healthy"), health(st));
        Set<Object> subnets = leased(st);
        assertEquals(2, subnets.size(), st.toString());
        String routes = routes("itclh", "kube1", "kube2");

        run0("docker", "kill", "vxlab-itclh-etcd-2");
        within(10, "status shows member 2 down", () -> health(status("itclh")).get(1).equals("down"));
        sleep(12);
        assertEquals(subnets, leased(status("itclh")), "every lease renewed with one member down");
        assertEquals(routes, routes("itclh", "kube1", "kube2"));
        assertEquals(0, run("verify", "itclh").code());

        LabUpIT.Run again = run("up", spec("cluster-here-lab.yaml"));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("restarted vxlab-itclh-2, which rejoined"), again.out());
        assertEquals(List.of("healthy", "healthy", "healthy"), health(status("itclh")));

        LabUpIT.Run down = run("down", "itclh");
        assertEquals(0, down.code(), down.err());
        assertEquals("", run0("docker", "ps", "-aq", "--filter", "label=dev.vxlab.lab=itclh").trim(), "no etcd container left");
        assertEquals(List.of(), leftovers(before, "itclh", "192\\.168\\.71\\."));
    }

    static List<String> leftovers(String before, String lab, String underlay) {
        Set<String> was = new HashSet<>(before.lines().toList());
        return ipState().lines().filter(l -> !was.contains(l))
                .filter(l -> l.contains("vx-" + lab + "-") || l.matches("^" + underlay + ".*")).toList();
    }
}
