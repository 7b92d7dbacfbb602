package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.lab.LabState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxlab down} with a host that does not answer, for real, as root ({@code provider: ssh}): two hosts made
 * beforehand with the netns machinery, as in {@link SshProviderIT} (lab "itdeadh", underlay 192.168.66.0/24, used
 * nowhere else), and the lab under test ("itdead") brought up on them with the CLI, etcd on h1. Then h2's sshd is
 * stopped (by its recorded PID) and {@code down} must clean h1 and everything here, name h2 with its address, say
 * what is left there and what to try, exit 1, and keep just h2's part in the lab's state. sshd is started again on
 * h2 (in the same mount, UTS and network namespaces, as a host's init would: the host's /run and files are as they
 * were), and a second {@code down} must finish: nothing of vxlab's on either host, the state gone. Before that, on the
 * same hosts: {@code up} run as its own process and killed in the files step and in the agents step, then an
 * {@code up} that converges (one agent per host) and a {@code down} that leaves the hosts as they were.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadHostIT {
    static final String HOSTS = "itdeadh";
    static final String LAB = "itdead";
    static final Map<String, String> IPS = new LinkedHashMap<>(Map.of("h1", "192.168.66.11", "h2", "192.168.66.12"));

    static NetnsHosts hosts;

    @BeforeAll
    static void hosts() {
        hosts = NetnsHosts.make(HOSTS, "192.168.66.0/24", "10.243.0.0/16", IPS);
    }

    @AfterAll
    static void teardown() {
        if (hosts != null) {
            // every process in the hosts' namespaces, the sshd started again on h2 included
            hosts.remove(LAB);
        }
    }

    static LabUpIT.Run run(String... args) {
        return LabUpIT.run(args);
    }

    /** Whether something accepts TCP on the host's port 22 (its route checked first: it leads into the hosts' lab). */
    static boolean sshAnswers(String node) {
        hosts.provider.checkReach(hosts.provider.target(hosts.node(node)));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IPS.get(node), 22), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Path sshSpec(Path dir, Path knownHosts) throws IOException {
        StringBuilder y = new StringBuilder(String.join("\n",
                "# existing hosts (made by the test beforehand), reached over SSH as root",
                "name: " + LAB,
                "provider: ssh",
                "network: {cidr: 10.243.0.0/16, subnetLen: 24, backend: vxlan, vni: 1, port: 8472, directRouting: false}",
                "underlay: {cidr: 192.168.66.0/24, hostIp: 192.168.66.1, nat: true}",
                "etcd: {mode: process, on: h1, prefix: /coreos.com/network}",
                "agent: {options: \"--iface=eth1\", leaseTtl: 24h}",
                "firewall: iptables",
                "ssh: {user: root, identityFile: " + hosts.provider.clientKey() + ", knownHosts: " + knownHosts + "}",
                "nodes:", ""));
        IPS.forEach((n, ip) -> y.append("  - {name: ").append(n).append(", ip: ").append(ip).append("}\n"));
        Path spec = dir.resolve(LAB + ".yaml");
        Files.writeString(spec, y.toString(), StandardCharsets.UTF_8);
        return spec;
    }

    @Test
    @Order(1)
    void anUpKilledInTheAgentsStepOnExistingHostsIsFinishedByUpAndRemovedWholeByDown(@TempDir Path dir) throws Exception {
        Path known = Files.copy(hosts.provider.knownHosts(), dir.resolve("known_hosts"));
        Path spec = sshSpec(dir, known);
        Map<String, String> before = hosts.netStates();

        InterruptedUpIT.Stopped files = InterruptedUpIT.upStoppedAt(hosts.home, spec.toString(), l -> l.startsWith("[files]"), "KILL", 0);
        assertEquals(137, files.code(), files.out() + files.err());
        InterruptedUpIT.Stopped agents = InterruptedUpIT.upStoppedAt(hosts.home, spec.toString(), l -> l.startsWith("[agents]"), "KILL", 0);
        assertEquals(137, agents.code(), agents.out() + agents.err());

        LabUpIT.Run up = run("up", spec.toString());
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("all 2 pairs ping"), up.out());
        for (String node : IPS.keySet()) {
            // the processes of this host's network namespace only (the hosts share this machine's PIDs with other labs)
            List<String> running = hosts.pids(node).stream().map(x -> NetnsHosts.HOST.run("ps", "-o", "args=", "-p", x).out())
                    .filter(a -> a.contains("-jar " + Provisioner.AGENT_JAR)).toList();
            assertEquals(1, running.size(), node + ": one agent: " + running);
        }

        LabUpIT.Run down = run("down", LAB);
        assertEquals(0, down.code(), down.out() + down.err());
        assertFalse(Files.exists(Lab.dir(LAB)), "the state is removed");
        for (String node : IPS.keySet()) {
            String sshd = hosts.sshd(node);
            assertEquals(Set.of(sshd), hosts.settledPids(node, Set.of(sshd)), node + ": only its sshd is left (no agent, no etcd)");
            assertEquals("", hosts.onHost(node, "ls -d /opt/vxlab /var/lib/vxlab /run/flannel/subnet.env /run/vxlabd.pid /run/vxlab-etcd.pid"
                    + " /etc/sysconfig/flanneld 2>/dev/null; true").stdout().trim(), node + " has nothing of vxlab's left");
            assertEquals(before.get(node), hosts.netState(node), node + ": links, addresses, routes and iptables rules as before up");
        }
    }

    @Test
    @Order(2)
    void downCleansWhatAnswersNamesTheHostThatDoesNotKeepsJustThatAndFinishesOnceItAnswers(@TempDir Path dir) throws Exception {
        Path known = Files.copy(hosts.provider.knownHosts(), dir.resolve("known_hosts"));
        Path spec = sshSpec(dir, known);
        Map<String, String> before = hosts.netStates();

        LabUpIT.Run up = run("up", spec.toString());
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("all 2 pairs ping"), up.out());
        LabState st = LabState.load(Lab.dir(LAB), LAB);
        List<String> madeOnH2 = st.list("made/h2");
        assertFalse(madeOnH2.isEmpty(), "files made on h2 are recorded");
        assertFalse(st.list("rules/h2").isEmpty(), "iptables rules added on h2 are recorded");

        // h2's sshd stops (by the PID the hosts' lab recorded); its agent goes on running
        NetnsHosts.HOST.stopAll(List.of(Long.parseLong(hosts.sshd("h2"))), 5);
        assertFalse(sshAnswers("h2"), "h2's sshd is stopped");
        Set<String> h2Left = hosts.pids("h2");
        assertFalse(h2Left.isEmpty(), "h2's agent still runs");

        LabUpIT.Run down = run("down", LAB);
        assertEquals(1, down.code(), down.out() + down.err());
        String err = down.err();
        assertTrue(err.contains("vxlab: lab itdead is down except on h2 (root@192.168.66.12:22): it did not answer"), err);
        assertTrue(err.contains("left on h2: the agent vxlabd; flannel.1; the agent's iptables chains;")
                && err.contains("iptables rules vxlab added") && err.contains(madeOnH2.get(0)), err);
        assertTrue(err.contains("hint: once h2 answers again") && err.contains("`vxlab down itdead` finishes"), err);
        assertTrue(err.contains("keeps just that"), err);
        assertFalse(err.contains("h1"), "h1 came down: " + err);

        LabState kept = LabState.load(Lab.dir(LAB), LAB);
        assertTrue(kept.exists(), "the state stays while h2 holds what vxlab put there");
        assertEquals(List.of("h2"), kept.list("reached"));
        assertEquals(madeOnH2, kept.list("made/h2"));
        assertEquals(Set.of("name", "provider", "spec", "reached", "sshTarget/h2", "made/h2", "rules/h2"),
                new HashSet<>(kept.keys().stream().filter(k -> kept.get(k) != null).toList()), "just h2's part: " + kept.keys());

        // h1 is as it was: only its sshd (no agent, no etcd), nothing of vxlab's on disk, its network as before
        String h1Sshd = hosts.sshd("h1");
        assertEquals(Set.of(h1Sshd), hosts.settledPids("h1", Set.of(h1Sshd)), "h1: only its sshd is left");
        assertEquals("", hosts.onHost("h1", "ls -d /opt/vxlab /var/lib/vxlab /run/flannel/subnet.env /run/vxlabd.pid /run/vxlab-etcd.pid"
                + " /etc/sysconfig/flanneld 2>/dev/null; true").stdout().trim(), "h1 has nothing of vxlab's left");
        assertEquals(before.get("h1"), hosts.netState("h1"));
        assertEquals(h2Left, hosts.pids("h2"), "nothing was done to h2");

        // sshd starts again on h2, in the host's own namespaces (those its agent runs in)
        String agent = h2Left.iterator().next();
        long again = NetnsHosts.HOST.spawn(List.of("setsid", "nsenter", "-t", agent, "-m", "-u", "-n", "--", "/usr/sbin/sshd", "-D", "-e", "-f",
                "/run/vxlab-node/sshd_config"), hosts.home.resolve("h2-sshd-again.log"));
        for (int i = 0; i < 100 && !sshAnswers("h2"); i++) {
            Thread.sleep(50);
        }
        assertTrue(sshAnswers("h2"), "h2's sshd answers again");

        LabUpIT.Run finish = run("down", LAB);
        assertEquals(0, finish.code(), finish.out() + finish.err());
        assertTrue(finish.out().contains("lab itdead removed"), finish.out());
        assertFalse(Files.exists(Lab.dir(LAB)), "the state is removed");
        String sshdAgain = String.valueOf(again);
        assertEquals(Set.of(sshdAgain), hosts.settledPids("h2", Set.of(sshdAgain)), "h2: only its sshd is left (no agent)");
        assertEquals("", hosts.onHost("h2", "ls -d /opt/vxlab /var/lib/vxlab /run/flannel/subnet.env /run/vxlabd.pid /etc/sysconfig/flanneld"
                + " 2>/dev/null; true").stdout().trim(), "h2 has nothing of vxlab's left");
        assertEquals(before.get("h2"), hosts.netState("h2"), "h2's links, addresses, routes and iptables rules are as before up");
    }
}
