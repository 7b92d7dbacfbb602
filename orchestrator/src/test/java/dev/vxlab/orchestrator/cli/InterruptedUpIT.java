package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.LocalHost;
import dev.vxlab.orchestrator.provider.netns.NetnsNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vxlab up} stopped half-way, for real, as root: vxlab runs as its own process (the launcher, as a user runs
 * it) on a netns lab of its own ("itintr", underlay 192.168.67.0/24) and is killed at several points — SIGKILL twice
 * while the machines step builds a node's namespace and links, SIGINT (Ctrl-C) once the machines are up, SIGKILL
 * during the agents step; each up after a kill must get past the point where the one before it stopped.
 * After each, everything that exists of the lab is named in its state (namespaces, the root link, etcd's process);
 * the SIGINT prints the one line saying the lab is half made and what finishes it. The next {@code up} converges
 * (green matrix, one sshd and one agent per node, one etcd, no namespace twice); then, with one node's sshd killed
 * (a netns node is stopped from here by its PIDs, so that does not matter), {@code down} leaves no namespace, link,
 * process or state behind.
 */
class InterruptedUpIT {
    static final String LAB = "itintr";
    static final NetnsNames NAMES = new NetnsNames(LAB);
    static final Host HOST = new LocalHost();
    static StateHome home;
    static Path state;

    @BeforeAll
    static void stateDir() {
        home = StateHome.create("vxlab-it-intr-");
        state = home.dir();
        assertEquals(List.of(), namespaces(), "namespaces of an earlier run are left: ip netns del them first");
    }

    @AfterAll
    static void cleanup() {
        try {
            LabUpIT.run("down", LAB);
        } finally {
            home.restore();
        }
    }

    static List<String> namespaces() {
        return Arrays.stream(HOST.run("ip", "netns", "list").out().split("\n"))
                .map(l -> l.split(" ")[0]).filter(n -> n.startsWith(NAMES.prefix())).sorted().toList();
    }

    static boolean rootLinkExists() {
        return HOST.run("ip", "link", "show", "dev", NAMES.rootLink()).ok();
    }

    /** The etcd processes of this lab: those whose --data-dir is under the lab's state directory (read from /proc). */
    static List<Long> etcds() throws IOException {
        String data = Lab.dir(LAB).resolve("etcd").resolve("data").toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Long::parseLong)
                    .filter(pid -> {
                        List<String> args = HOST.commandLine(pid);
                        int i = args.indexOf("--data-dir");
                        return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(data);
                    }).toList();
        }
    }

    /** What is left of `up` stopped here is all named in the lab's state: down can find each piece. */
    static void everythingThereIsRecorded(String when) throws IOException {
        LabState st = LabState.load(Lab.dir(LAB), LAB);
        assertTrue(st.exists(), when + ": the state was written before anything was made");
        Set<String> recorded = new HashSet<>(st.list("namespaces"));
        for (String ns : namespaces()) {
            assertTrue(recorded.contains(ns), when + ": namespace " + ns + " is in the state " + recorded);
        }
        if (rootLinkExists()) {
            assertTrue(st.list("rootLinks").contains(NAMES.rootLink()), when + ": the root link is in the state");
        }
        for (long etcd : etcds()) {
            Long pid = st.pids().get("etcd");
            Path file = Lab.dir(LAB).resolve("etcd.pid");
            assertTrue(Long.valueOf(etcd).equals(pid) || Files.isRegularFile(file) && Files.readString(file).strip().equals(Long.toString(etcd)),
                    when + ": etcd " + etcd + " is recorded (state or its own pid file)");
        }
    }

    record Stopped(int code, List<String> out, String err) {
    }

    /**
     * Runs `vxlab up` as its own process and sends it {@code signal} {@code delayMs} after a line of its output matches
     * {@code when}. A node's line is printed once the node is built; 10 to 30 ms later vxlab is amid the next node's
     * namespace and links (tried here: a namespace with lo only, or eth1 without eth0).
     */
    static Stopped upStoppedAt(Predicate<String> when, String signal, long delayMs) throws Exception {
        return upStoppedAt(state, LabUpIT.spec("interrupt-lab.yaml"), when, signal, delayMs);
    }

    /** The same for any spec, with the state under {@code home}. */
    static Stopped upStoppedAt(Path home, String spec, Predicate<String> when, String signal, long delayMs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("..", "vxlab").toAbsolutePath().normalize().toString(), "up", spec);
        pb.environment().put("VXLAB_HOME", home.toString());
        Path err = Files.createTempFile(home, "up-", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        List<String> out = new ArrayList<>();
        boolean sent = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.add(line);
                if (!sent && when.test(line)) {
                    Thread.sleep(delayMs);
                    // the launcher execs java: this is vxlab's own PID. SIGKILL straight from here (no kill process to start),
                    // so that it lands within a millisecond of the line: in the machines step, amid the next node's wiring
                    if (signal.equals("KILL")) {
                        p.toHandle().destroyForcibly();
                    } else {
                        assertTrue(HOST.run("kill", "-" + signal, Long.toString(p.pid())).ok());
                    }
                    sent = true;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vxlab ended after SIG" + signal);
        assertTrue(sent, "the point to stop at came: " + out + Files.readString(err));
        return new Stopped(p.exitValue(), out, Files.readString(err));
    }

    @Test
    void anUpKilledAtAnyPointIsFinishedByTheNextUpAndRemovedWholeByDown() throws Exception {
        String before = LabUpIT.ipState();

        Stopped machines = upStoppedAt(l -> l.startsWith("[machines] kube1"), "KILL", 20);
        assertEquals(137, machines.code(), machines.out() + machines.err());
        everythingThereIsRecorded("killed in the machines step, amid kube2");

        Stopped again = upStoppedAt(l -> l.startsWith("[machines] kube2"), "KILL", 20);
        assertEquals(137, again.code(), again.out() + again.err());
        everythingThereIsRecorded("killed in the machines step again, amid kube3");

        Stopped ctrlC = upStoppedAt(l -> l.startsWith("[prepare]") || l.startsWith("[etcd]"), "INT", 0);
        assertEquals(130, ctrlC.code(), ctrlC.out() + ctrlC.err());
        String spec = LabUpIT.spec("interrupt-lab.yaml");
        assertEquals(List.of("vxlab: interrupted: the lab of " + spec + " is half made; `vxlab up " + spec + "` again finishes it, or `vxlab down "
                + spec + "` removes it"), ctrlC.err().lines().filter(l -> l.contains("interrupted")).toList(), ctrlC.err());
        assertTrue(ctrlC.out().stream().anyMatch(l -> l.startsWith("[machines] kube3")), "the second up got past the machines: " + ctrlC.out());
        everythingThereIsRecorded("interrupted after the machines step");

        Stopped agents = upStoppedAt(l -> l.startsWith("[agents]"), "KILL", 0);
        assertEquals(137, agents.code(), agents.out() + agents.err());
        everythingThereIsRecorded("killed in the agents step");

        LabUpIT.Run up = LabUpIT.run("up", spec);
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("all 6 pairs ping"), up.out());
        List<String> expected = new ArrayList<>(List.of(NAMES.switchNs(), NAMES.natNs()));
        List.of("kube1", "kube2", "kube3").forEach(n -> expected.add(NAMES.nodeNs(n)));
        assertEquals(expected.stream().sorted().toList(), namespaces(), "each namespace once");
        LabState st = LabState.load(Lab.dir(LAB), LAB);
        List<Long> etcd = etcds();
        assertEquals(List.of(st.pids().get("etcd")), etcd, "one etcd, the one recorded");
        List<Long> everything = new ArrayList<>(etcd);
        for (String node : List.of("kube1", "kube2", "kube3")) {
            Set<String> pids = settled(NAMES.nodeNs(node), 4);
            List<String> ps = pids.stream().map(x -> x + " " + HOST.run("ps", "-o", "ppid=,args=", "-p", x).out().strip()).toList();
            List<String> agent = ps.stream().filter(l -> l.contains("-jar " + Provisioner.AGENT_JAR)).map(l -> l.split(" ")[0]).toList();
            assertEquals(1, agent.size(), node + ": one agent: " + ps);
            String sshd = String.valueOf(st.pids().get("sshd/" + node));
            assertTrue(pids.contains(sshd), node + ": the sshd recorded runs: " + ps);
            // the rest are the agent's own ip and bridge batch processes
            assertEquals(List.of(), ps.stream().filter(l -> !l.startsWith(agent.get(0) + " ") && !l.startsWith(sshd + " ")
                    && !l.split("\\s+")[1].equals(agent.get(0))).toList(), node + ": nothing but its sshd, its agent and the agent's children");
            pids.forEach(x -> everything.add(Long.parseLong(x)));
        }

        // kube2's sshd dies: a netns node is stopped from here by its PIDs, so down does not need it
        HOST.stopAll(List.of(st.pids().get("sshd/kube2")), 5);
        LabUpIT.Run down = LabUpIT.run("down", LAB);
        assertEquals(0, down.code(), down.out() + down.err());
        assertFalse(Files.exists(Lab.dir(LAB)), "the state is removed");
        assertEquals(List.of(), namespaces(), "no namespace of the lab is left");
        assertFalse(rootLinkExists(), "the root link is gone");
        assertEquals(List.of(), LabUpIT.leftovers(before, LAB), "down leaves namespaces, links and routes as they were");
        for (long pid : everything) {
            assertFalse(HOST.alive(pid), "process " + pid + " (" + HOST.commandLine(pid) + ") is stopped");
        }
        assertEquals(List.of(), etcds(), "no etcd of the lab runs");
    }

    /** The processes in a namespace once those of closed SSH sessions have ended (at most {@code expected}; 5 s at most). */
    static Set<String> settled(String ns, int expected) throws InterruptedException {
        Set<String> now = Set.of();
        for (int i = 0; i < 50; i++) {
            now = new HashSet<>(Arrays.asList(HOST.run("ip", "netns", "pids", ns).out().trim().split("\\s+")));
            now.remove("");
            if (now.size() <= expected) {
                break;
            }
            Thread.sleep(100);
        }
        return now;
    }
}
