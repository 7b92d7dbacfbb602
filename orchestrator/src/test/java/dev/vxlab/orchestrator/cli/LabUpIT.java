package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.Lab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `vxlab up` for real, as root: netns nodes with their own sshd, etcd as a process and in a container,
 * templates over SSH, agents, the ping matrix; then a second `up` that changes nothing, `status --json`, and
 * `down` leaving no namespace, link, process or state of the lab behind. The labs use underlays of their own
 * (192.168.77-79.0/24) and names starting with "it".
 */
class LabUpIT {
    static Path state;

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-state-");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        for (String lab : List.of("itproc", "itcont", "ittrap")) {
            run("down", lab);
        }
        Lab.deleteTree(state);
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        if (args.length > 0 && args[0].equals("ssh")) {
            return ssh(args);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Vxlab.run(args, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * `vxlab ssh` runs the ssh client with this process's stdin, stdout and stderr; in-process that is the test
     * JVM's, whose stdin is the test runner's command channel (an ssh reading it corrupted the run). So it runs
     * as its own process through the launcher, with the state directory of the test, its stdin an empty pipe.
     */
    static Run ssh(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of("..", "vxlab").toAbsolutePath().normalize().toString()));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("VXLAB_HOME", System.getProperty("vxlab.state.home"));
            Path err = Files.createTempFile("vxlab-ssh-", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String e = Files.readString(err);
            Files.delete(err);
            return new Run(code, out, e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String spec(String name) {
        return Path.of("src/test/resources/it", name).toString();
    }

    static String ipState() {
        return run0("ip", "netns", "list") + run0("ip", "-br", "link") + run0("ip", "route");
    }

    /**
     * What is there now and was not before, of this lab's kind: its namespaces (vx-LAB-*) and routes to the
     * test labs' underlays (the route of a root link vxh* left behind shows here too). Other processes on the machine (another test, a benchmark) may add
     * and remove their own objects meanwhile; they are not this lab's leftovers.
     */
    static List<String> leftovers(String before, String lab) {
        java.util.Set<String> was = new java.util.HashSet<>(before.lines().toList());
        return ipState().lines().filter(l -> !was.contains(l))
                // a lab's root link (vxh...) carries its underlay's route: that route says whose it is
                .filter(l -> l.contains("vx-" + lab + "-") || l.matches("^192\\.168\\.7[7-9]\\..*"))
                .toList();
    }

    static String run0(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void upVerifyStatusRerunDown(String specFile, String lab) {
        String before = ipState();
        Run up = run("up", spec(specFile));
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("all 6 pairs ping"), up.out());

        Run verify = run("verify", lab, "--json");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        Map<String, Object> v = Json.parseObject(verify.out().trim());
        assertEquals(List.of(), v.get("failed"));
        assertEquals(6, ((List<?>) v.get("pairs")).size());

        Run status = run("status", lab, "--json");
        assertEquals(0, status.code(), status.err());
        Map<String, Object> st = Json.parseObject(status.out().trim());
        Set<Object> subnets = new HashSet<>();
        for (Object n : (List<?>) st.get("nodes")) {
            Map<?, ?> node = (Map<?, ?>) n;
            subnets.add(node.get("subnet"));
            assertEquals("running", node.get("agent"));
            assertEquals("eth1", node.get("interface"));
            assertTrue(node.get("leaseExpiry") instanceof String, "lease expiry shown: " + node);
        }
        subnets.remove(null);
        assertEquals(3, subnets.size(), status.out());

        Run doctor = run("doctor", lab);
        assertEquals(0, doctor.code(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("no problem found"), doctor.out());
        // a node's root has a home of its own, as on a VM: empty, not this machine's (whose ~/.bashrc bash would run
        // for every command sshd starts), and what it writes there stays on the node
        Run home = run("ssh", lab, "kube1", "--", "touch ~/.node-only && ls -A ~");
        assertEquals(0, home.code(), home.err());
        assertEquals(".node-only", home.out().strip());
        assertFalse(Files.exists(Path.of(System.getProperty("user.home"), ".node-only")), "the node's home is not this machine's");
        if (lab.equals("itproc")) {
            brokenAndFixedWithOrdinaryCommands(lab, subnets);
        }

        agentsMapTheLabsClassArchive(lab, up.out());

        Run again = run("up", spec(specFile));
        assertEquals(0, again.code(), again.out() + again.err());
        assertFalse(again.out().contains(" changed"), "a second up changes nothing:\n" + again.out());
        assertFalse(again.out().contains("started"), again.out());

        Run down = run("down", lab);
        assertEquals(0, down.code(), down.err());
        assertFalse(Files.exists(state.resolve("labs").resolve(lab)), "lab state removed");
        assertEquals(List.of(), leftovers(before, lab), "down leaves namespaces, links and routes as they were");
        assertEquals("", run0("docker", "ps", "-aq", "--filter", "label=dev.vxlab.lab=" + lab).trim(), "no etcd container left");
    }

    /**
     * The agents' class archive (core/AgentCds): the first lab on this machine makes it on a node during up (and its
     * agents, already started, run without it until restarted), every later lab's agents map it from their start; it
     * is kept for later labs under the state's cache.
     */
    static void agentsMapTheLabsClassArchive(String lab, String upOut) {
        boolean made = upOut.contains("agent class archive made for later starts");
        assertTrue(made || !upOut.contains("agent class archive not made"), upOut);
        try (java.util.stream.Stream<Path> cached = Files.list(state.resolve("cache").resolve("agent-cds"))) {
            assertEquals(1, cached.filter(f -> f.toString().endsWith(".jsa")).count(), "one archive cached for this jar");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String maps = "grep -c /opt/vxlab/lib/vxlabd.jsa /proc/$(cat /run/vxlabd.pid)/maps";
        String check = made
                ? "/opt/vxlab/bin/vxlabd-restart >/dev/null && for i in $(seq 50); do " + maps + " >/dev/null 2>&1 && break; sleep 0.1; done; " + maps
                : maps;
        Run mapped = run("ssh", lab, "kube1", "--", check);
        assertEquals(0, mapped.code(), "kube1's agent maps the archive: " + mapped.out() + mapped.err());
        assertTrue(Integer.parseInt(mapped.out().strip()) > 0, mapped.out());
    }

    /**
     * Two faults made and mended on a node with ordinary commands (through `vxlab ssh`), doctor naming each with
     * its rule and going quiet once it is mended: UDP to the VXLAN port dropped (VX012); a route deleted with the
     * agent stopped (VX002 and VX005), mended with `ip route replace` and the agent's restart script.
     */
    static void brokenAndFixedWithOrdinaryCommands(String lab, Set<Object> subnets) {
        assertEquals(0, run("ssh", lab, "kube2", "--", "iptables -I INPUT -p udp --dport 8472 -j DROP").code());
        Run dropped = run("doctor", lab, "--json");
        assertEquals(1, dropped.code(), dropped.out() + dropped.err());
        assertTrue(dropped.out().contains("\"rule\":\"VX012\"") && dropped.out().contains("iptables -D INPUT -p udp -m udp --dport 8472 -j DROP"),
                dropped.out());
        assertEquals(1, run("verify", lab).code(), "the ping matrix fails while UDP 8472 is dropped");
        assertEquals(0, run("ssh", lab, "kube2", "--", "iptables -D INPUT -p udp -m udp --dport 8472 -j DROP").code());
        assertEquals(0, run("doctor", lab).code());

        Run own = run("ssh", lab, "kube2", "--", ". /run/flannel/subnet.env; echo ${FLANNEL_SUBNET%.*}.0/24");
        String kube2 = own.out().trim();
        String kube1Route = subnets.stream().map(Object::toString).filter(x -> !x.equals(kube2)).findFirst().orElseThrow();
        assertEquals(0, run("ssh", lab, "kube2", "--", "p=$(cat /run/vxlabd.pid); kill $p; while kill -0 $p 2>/dev/null; do sleep 0.1; done; ip route del " + kube1Route).code());
        Run stopped = run("doctor", lab, "--node", "kube2");
        assertEquals(1, stopped.code(), stopped.out());
        assertTrue(stopped.out().contains("VX002 ERROR: vxlabd is not running on kube2"), stopped.out());
        assertTrue(stopped.out().contains("VX005 ERROR: no route on kube2 to " + kube1Route), stopped.out());
        String gateway = kube1Route.replace(".0/24", ".0");
        assertEquals(0, run("ssh", lab, "kube2", "--", "ip route replace " + kube1Route + " via " + gateway + " dev flannel.1 onlink; "
                + "/opt/vxlab/bin/vxlabd-restart").code());
        long deadline = System.nanoTime() + 30_000_000_000L;
        Run healed;
        do {
            healed = run("doctor", lab);
        } while (healed.code() != 0 && System.nanoTime() < deadline);
        assertEquals(0, healed.code(), healed.out());
        assertEquals(0, run("verify", lab).code());
    }

    @Test
    void processEtcdLab() {
        upVerifyStatusRerunDown("process-lab.yaml", "itproc");
    }

    @Test
    void containerEtcdLab() {
        upVerifyStatusRerunDown("container-lab.yaml", "itcont");
    }

    @Test
    void vagrantTrapStopsAtTheAgentStepWithTheExplanationAndDownCleansUp() {
        String before = ipState();
        Run predicted = run("doctor", spec("trap-lab.yaml"));
        assertEquals(1, predicted.code(), predicted.out() + predicted.err());
        assertTrue(predicted.out().contains("VX016 ERROR") && predicted.out().contains("--iface=eth1"), predicted.out());
        assertFalse(Files.exists(state.resolve("labs").resolve("ittrap")), "a static doctor run makes nothing");

        Run up = run("up", spec("trap-lab.yaml"));
        assertEquals(1, up.code(), up.out() + up.err());
        Run doctor = run("doctor", "ittrap", "--json");
        assertEquals(1, doctor.code(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("{\"rule\":\"VX001\",\"severity\":\"error\""), doctor.out());
        assertTrue(doctor.out().contains("Using interface with name eth0 and address 10.0.2.15"), doctor.out());
        assertTrue(doctor.out().contains("FLANNEL_OPTIONS=\\\"--iface=eth1\\\""), doctor.out());
        assertTrue(up.err().contains("10.0.2.15") && up.err().contains("--iface=eth1") && up.err().contains("kube1"), up.err());
        Run down = run("down", "ittrap");
        assertEquals(0, down.code(), down.err());
        assertEquals(List.of(), leftovers(before, "ittrap"));
    }

    @Test
    void badSpecChangesNothingAndExitsTwo() throws IOException {
        Path bad = Files.createTempFile("bad-", ".yaml");
        Files.writeString(bad, "name: Bad_Name\nprovider: qemu\nnodes: []\n");
        String before = ipState();
        Run up = run("up", bad.toString());
        assertEquals(2, up.code(), up.err());
        assertTrue(up.err().contains(bad + ":1:7"), up.err());
        assertEquals(before, ipState());
        assertFalse(Files.exists(state.resolve("labs")) && Files.list(state.resolve("labs")).findAny().isPresent());
        Files.delete(bad);
    }
}
