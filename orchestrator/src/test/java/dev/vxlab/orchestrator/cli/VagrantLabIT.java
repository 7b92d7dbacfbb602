package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workshop's classic path for real, as root: `vagrant up` at the top of the repository with Vagrant's docker
 * provider (the node image from scripts/build-node-image.sh), driven by the top-level Vagrantfile, whose trigger
 * runs `./vxlab up --provider vagrant` once all machines are up; that ends in a green ping matrix. Then a second
 * `./vxlab up` changes nothing, `status --json` shows three subnets, and `./vxlab down` leaves no container,
 * Docker network or lab state behind. The lab (itvag: machines vt1..vt3, underlay 192.168.83.0/24) and Vagrant's
 * own state (VAGRANT_DOTFILE_PATH) are the test's own; this machine only talks to 127.0.0.1.
 */
class VagrantLabIT {
    static final Path REPO = Path.of(System.getProperty("vxlab.home", "..")).toAbsolutePath().normalize();
    static final String LAB = "itvag";
    static final String NETWORK = "192.168.83.0/24";

    @TempDir
    Path tmp;

    record Run(int code, String out) {
    }

    Run run(Map<String, String> env, int timeoutSeconds, String... cmd) throws Exception {
        Path log = tmp.resolve("run-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            // what was still running says where it hung (a vxlab that a trigger started, the Vagrant it asked...)
            List<ProcessHandle> left = p.descendants().toList();
            String tree = left.stream().map(h -> "  " + h.pid() + " " + h.info().commandLine().orElse("?")).collect(java.util.stream.Collectors.joining("\n"));
            p.destroyForcibly();
            left.forEach(ProcessHandle::destroyForcibly);
            return new Run(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n(timed out; still running then:\n" + tree + ")");
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    Map<String, String> env(Path spec) {
        return env(spec, "vagrant");
    }

    /**
     * Vagrant's state in {@code dotfile} under the test's directory, the labs' in its home; {@code spec} null: no
     * VXLAB_SPEC at all (removed from what the test's own environment passes on).
     */
    Map<String, String> env(Path spec, String dotfile) {
        Map<String, String> env = new HashMap<>();
        env.put("VXLAB_SPEC", spec == null ? null : spec.toString());
        env.put("VAGRANT_DOTFILE_PATH", tmp.resolve(dotfile).toString());
        env.put("VXLAB_HOME", tmp.resolve("home").toString());
        env.put("VAGRANT_CHECKPOINT_DISABLE", "1");
        return env;
    }

    static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.trim();
    }

    @Test
    void vagrantUpEndsInAGreenMatrixARerunChangesNothingAndDownLeavesNothing() throws Exception {
        Path spec = tmp.resolve(LAB + ".yaml");
        Files.writeString(spec, String.join("\n",
                "name: " + LAB,
                "provider: vagrant",
                "underlay: {cidr: " + NETWORK + ", hostIp: 192.168.83.1, nat: false}",
                "etcd: {mode: process, on: vt1}",
                "firewall: iptables",
                "vagrant: {provider: docker}",
                "nodes:",
                "  - {name: vt1, ip: 192.168.83.11}",
                "  - {name: vt2, ip: 192.168.83.12}",
                "  - {name: vt3, ip: 192.168.83.13}", ""), StandardCharsets.UTF_8);
        Map<String, String> env = env(spec);
        try {
            Run up = run(env, 900, "vagrant", "up");
            assertEquals(0, up.code(), up.out());
            assertTrue(up.out().contains("running ./vxlab up --provider vagrant"), up.out());
            assertEquals(1, up.out().split("running ./vxlab up --provider vagrant", -1).length - 1, "vxlab runs once, not per machine:\n" + up.out());
            assertTrue(up.out().contains("all 3 machines are up (SSH facts handed over)") && !up.out().contains("asking vagrant ssh-config"),
                    "the trigger hands vxlab every machine's SSH facts, and vxlab takes them:\n" + up.out());
            assertTrue(up.out().contains("all 6 pairs ping"), up.out());
            // etcd on vt1 is reachable on the underlay: TLS with the lab's CA and a client certificate per machine, by default
            assertTrue(up.out().contains("process on vt1 at [https://192.168.83.11:2379]") && up.out().contains("TLS, client certificates required"),
                    up.out());
            assertFalse(up.out().contains("PRIVATE KEY"), up.out());
            assertTrue(up.out().contains("vt1 host key pinned on first contact: ssh-ed25519"), up.out());
            assertTrue(up.out().contains("java runtime /opt/vxlab/jre"), "the image has no Java; vxlab brings its own:\n" + up.out());
            for (String vt : List.of("vt1", "vt2", "vt3")) {
                assertTrue(docker("ps", "--filter", "name=^vxlab-" + LAB + "-" + vt + "$", "--format", "{{.Names}}").contains(vt), "machine " + vt);
            }

            // the workshop through the vagrant provider: doctor on the healthy lab, then one fault found and mended
            String vxlab = REPO.resolve("vxlab").toString();
            Run doctor = run(env, 120, vxlab, "doctor", LAB);
            assertEquals(0, doctor.code(), doctor.out());
            assertTrue(doctor.out().contains("no problem found"), doctor.out());
            assertEquals(0, run(env, 120, vxlab, "break", LAB, "udp-drop", "--node", "vt2").code());
            Run broken = run(env, 120, vxlab, "doctor", LAB);
            assertEquals(1, broken.code(), broken.out());
            assertTrue(broken.out().contains("VX012 ERROR: UDP to port 8472 (VXLAN) is dropped on vt2"), broken.out());
            assertEquals(1, run(env, 120, vxlab, "grade", LAB).code());
            assertEquals(0, run(env, 120, vxlab, "ssh", LAB, "vt2", "--",
                    "sudo /usr/sbin/iptables -D INPUT -p udp -m udp --dport 8472 -m comment --comment vxlab-exercise -j DROP").code());
            Run graded = run(env, 120, vxlab, "grade", LAB);
            assertEquals(0, graded.code(), graded.out());
            assertTrue(graded.out().contains("PASS: udp-drop on vt2"), graded.out());

            Run again = run(env, 300, REPO.resolve("vxlab").toString(), "up", spec.toString());
            assertEquals(0, again.code(), again.out());
            assertFalse(again.out().lines().anyMatch(l -> l.endsWith(" changed") || l.contains(" changed (")),
                    "a second up changes nothing:\n" + again.out());
            assertTrue(again.out().contains("all 6 pairs ping"), again.out());
            assertTrue(again.out().contains("vt1 running"), "machines that run are not brought up again:\n" + again.out());

            // the other way round: a machine is missing, and `vxlab up` runs `vagrant up` for it itself (without the
            // trigger running vxlab a second time); the re-created machine's new host key replaces its old one
            Run destroy = run(env, 300, "vagrant", "destroy", "-f", LAB + "-vt2");
            assertEquals(0, destroy.code(), destroy.out());
            Run heal = run(env, 600, REPO.resolve("vxlab").toString(), "up", spec.toString());
            assertEquals(0, heal.code(), heal.out());
            assertTrue(heal.out().contains("vagrant up --provider=docker " + LAB + "-vt2"), heal.out());
            assertFalse(heal.out().contains("running ./vxlab up"), "the trigger stays off when vxlab runs vagrant:\n" + heal.out());
            assertTrue(heal.out().contains("vt2 is created anew: its old host key is forgotten"), heal.out());
            assertTrue(heal.out().contains("vt2 host key pinned on first contact"), heal.out());
            assertTrue(heal.out().contains("all 6 pairs ping"), heal.out());

            // a host key that changes behind vxlab's back is refused
            Path knownHosts = tmp.resolve("home/labs/" + LAB + "/ssh/known_hosts");
            List<String> keys = Files.readAllLines(knownHosts);
            String vt1 = keys.stream().filter(l -> l.startsWith("vt1 ")).findFirst().orElseThrow();
            String vt3 = keys.stream().filter(l -> l.startsWith("vt3 ")).findFirst().orElseThrow();
            List<String> swapped = new ArrayList<>(keys);
            swapped.set(keys.indexOf(vt1), "vt1 " + vt3.substring(4));
            Files.write(knownHosts, swapped);
            Run refused = run(env, 120, REPO.resolve("vxlab").toString(), "verify", LAB);
            assertEquals(1, refused.code(), refused.out());
            assertTrue(refused.out().contains("host key of vagrant@127.0.0.1:") && refused.out().contains("(vt1) has changed"), refused.out());
            Files.write(knownHosts, keys);

            Run status = run(env, 120, REPO.resolve("vxlab").toString(), "status", LAB, "--json");
            assertEquals(0, status.code(), status.out());
            String json = status.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            List<?> nodes = (List<?>) Json.parseObject(json).get("nodes");
            java.util.Set<String> subnets = new HashSet<>();
            nodes.forEach(n -> subnets.add(String.valueOf(((Map<?, ?>) n).get("subnet"))));
            assertEquals(3, subnets.size(), status.out());
            assertFalse(subnets.contains("null"), status.out());

            Run down = run(env, 300, REPO.resolve("vxlab").toString(), "down", LAB);
            assertEquals(0, down.code(), down.out());
            assertEquals("", docker("ps", "-a", "--filter", "name=vxlab-" + LAB + "-", "--format", "{{.Names}}"), "no machine left");
            assertFalse(docker("network", "ls", "--format", "{{.Name}}").contains(NETWORK), "no Docker network left");
            assertFalse(Files.exists(tmp.resolve("home/labs/" + LAB)), "no lab state left");
        } finally {
            if (!docker("ps", "-a", "--filter", "name=vxlab-" + LAB + "-", "--format", "{{.Names}}").isEmpty()) {
                run(env, 300, "vagrant", "destroy", "-f");
            }
        }
    }

    /**
     * A new user's path: every lab in labs/ through the top-level Vagrantfile with the docker provider, as each does
     * under netns. `vagrant up` with no VXLAB_SPEC at all brings up labs/quickstart.yaml (firewall: firewalld) to a
     * green matrix through a firewalld that runs on each machine and holds the lab's direct rules; the trap is refused
     * with its explanation; labs/vagrant.yaml is green with plain iptables. Each is downed leaving no machine, Docker
     * network or lab state. The labs' names and underlays (192.168.56/57/60) are the netns ITs' too: ITs run one
     * after the other, and each of those leaves nothing behind.
     */
    @Test
    void everyLabInLabsComesUpUnderTheDockerProviderAsUnderNetns() throws Exception {
        String vxlab = REPO.resolve("vxlab").toString();
        Map<String, Map<String, String>> envs = new HashMap<>();
        try {
            // the quickstart, the classic way: no VXLAB_SPEC, no --provider
            Map<String, String> quick = env(null, "quickstart");
            envs.put("quickstart", quick);
            Run up = run(quick, 900, "vagrant", "up");
            assertEquals(0, up.code(), up.out());
            assertFalse(up.out().contains("installing firewalld"), "the node image carries firewalld:\n" + up.out());
            for (String node : List.of("kube1", "kube2", "kube3")) {
                assertTrue(up.out().contains(node + " firewalld reloaded with /etc/firewalld/direct.xml changed"), up.out());
            }
            assertTrue(up.out().contains("all 6 pairs ping"), up.out());
            Run rules = run(quick, 120, vxlab, "ssh", "quickstart", "kube2", "--",
                    "sudo firewall-cmd --state; sudo firewall-cmd --direct --get-all-rules; sudo /usr/sbin/iptables -S INPUT; /usr/sbin/ip -4 -o addr show eth0");
            assertEquals(0, rules.code(), rules.out());
            assertTrue(rules.out().contains("running"), rules.out());
            for (String rule : List.of("ipv4 filter FORWARD 0 -i flannel.1 -o docker0 -j ACCEPT", "ipv4 filter FORWARD 0 -i docker0 -o flannel.1 -j ACCEPT",
                    "ipv4 filter INPUT 0 -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT")) {
                assertTrue(rules.out().contains(rule), "the running firewalld holds the lab's direct rules:\n" + rules.out());
            }
            // firewalld's zones reject what nothing accepts: the VXLAN packets got in through the direct rule
            assertTrue(rules.out().contains("-A INPUT -j INPUT_direct") && rules.out().contains("-A INPUT -j REJECT"), rules.out());
            assertTrue(rules.out().contains("eth0    inet 10.0.2.15/24"), "a Vagrant-style NAT eth0 (underlay.nat):\n" + rules.out());
            // without its direct rule kube2's firewalld drops the VXLAN packets; up finds the rule missing and reloads kube2's only
            Run removed = run(quick, 120, vxlab, "ssh", "quickstart", "kube2", "--",
                    "sudo firewall-cmd --direct --remove-rule ipv4 filter INPUT 0 -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT");
            assertEquals(0, removed.code(), removed.out());
            Run dropped = run(quick, 120, vxlab, "verify", "quickstart");
            assertEquals(1, dropped.code(), dropped.out());
            assertTrue(dropped.out().contains("kube1 -> kube2"), dropped.out());
            Run mended = run(quick, 300, vxlab, "up", "--provider", "vagrant", "labs/quickstart.yaml");
            assertEquals(0, mended.code(), mended.out());
            assertTrue(mended.out().contains("kube2 firewalld reloaded with /etc/firewalld/direct.xml changed"), mended.out());
            assertTrue(mended.out().contains("kube1 firewalld direct rules (/etc/firewalld/direct.xml) unchanged"), mended.out());
            assertTrue(mended.out().contains("all 6 pairs ping"), mended.out());
            Run again = run(quick, 300, vxlab, "up", "--provider", "vagrant", "labs/quickstart.yaml");
            assertEquals(0, again.code(), again.out());
            assertFalse(again.out().lines().anyMatch(l -> l.endsWith(" changed") || l.contains(" changed (")),
                    "a second up changes nothing, firewalld is not reloaded:\n" + again.out());
            downLeavesNothing(quick, "quickstart", "192.168.56.0/24");

            // the trap: the agents on kube2 and kube3 refuse eth0's 10.0.2.15, which kube1 holds; exit non-zero
            Map<String, String> trap = env(REPO.resolve("labs/vagrant-eth0-trap.yaml"), "eth0-trap");
            envs.put("eth0-trap", trap);
            Run refused = run(trap, 900, "vagrant", "up");
            assertTrue(refused.code() != 0, refused.out());
            assertTrue(refused.out().contains("the agent step failed on 2 node(s)"), refused.out());
            assertTrue(refused.out().contains("10.0.2.15") && refused.out().contains("--iface=eth1"), refused.out());
            assertTrue(refused.out().contains("vxlab up --provider vagrant labs/vagrant-eth0-trap.yaml failed (exit 1)"), refused.out());
            Run doctor = run(trap, 120, vxlab, "doctor", "eth0-trap");
            assertEquals(1, doctor.code(), doctor.out());
            assertTrue(doctor.out().contains("VX001") && doctor.out().contains("Using interface with name eth0 and address 10.0.2.15"), doctor.out());
            downLeavesNothing(trap, "eth0-trap", "192.168.57.0/24");

            // labs/vagrant.yaml: etcd on kube1, plain iptables (the image's firewalld stays off)
            Map<String, String> vag = env(REPO.resolve("labs/vagrant.yaml"), "vagrant");
            envs.put("vagrant", vag);
            Run green = run(vag, 900, "vagrant", "up");
            assertEquals(0, green.code(), green.out());
            assertTrue(green.out().contains("all 6 pairs ping"), green.out());
            assertTrue(green.out().contains("kube1 iptables rules changed"), green.out());
            Run off = run(vag, 120, vxlab, "ssh", "vagrant", "kube1", "--", "sudo firewall-cmd --state");
            assertTrue(off.code() != 0 && off.out().contains("not running"), off.out());
            downLeavesNothing(vag, "vagrant", "192.168.60.0/24");
        } finally {
            for (Map.Entry<String, Map<String, String>> lab : envs.entrySet()) {
                if (!machines(lab.getKey()).isEmpty() || Files.exists(tmp.resolve("home/labs/" + lab.getKey()))) {
                    run(lab.getValue(), 300, vxlab, "down", lab.getKey());
                }
                if (!machines(lab.getKey()).isEmpty()) {
                    run(lab.getValue(), 300, "vagrant", "destroy", "-f");
                }
            }
        }
    }

    /** The containers of a lab: its machines (vxlab-LAB-NODE) and its etcd's on this machine. */
    static String machines(String lab) throws Exception {
        return docker("ps", "-a", "--filter", "name=^vxlab-" + lab + "-", "--format", "{{.Names}}");
    }

    void downLeavesNothing(Map<String, String> env, String lab, String network) throws Exception {
        Run down = run(env, 300, REPO.resolve("vxlab").toString(), "down", lab);
        assertEquals(0, down.code(), down.out());
        assertEquals("", machines(lab), "no container of " + lab + " left");
        assertFalse(docker("network", "ls", "--format", "{{.Name}}").contains(network), "no Docker network left: " + network);
        assertFalse(Files.exists(tmp.resolve("home/labs/" + lab)), "no lab state left: " + lab);
    }

    /** An image that an older scripts/build-node-image.sh made (no firewalld) is refused before any machine is made from it. */
    @Test
    void aNodeImageFromAnOlderBuildScriptIsRefusedWithTheCommandThatRebuildsIt() throws Exception {
        String image = "vxlab/node:itvag-stale";
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path spec = tmp.resolve("itstale.yaml");
        Files.writeString(spec, String.join("\n",
                "name: itstale",
                "provider: vagrant",
                "underlay: {cidr: 192.168.87.0/24, nat: false}",
                "vagrant: {provider: docker, image: \"" + image + "\"}",
                "nodes:",
                "  - {name: vs1, ip: 192.168.87.11}", ""), StandardCharsets.UTF_8);
        Map<String, String> env = env(spec, "itstale");
        try {
            // as scripts/build-node-image.sh used to import it: its comment, no label
            Run made = run(env, 120, "sh", "-c", "tar -C " + empty + " -c . | docker import -m 'vxlab node: debootstrap bookworm minbase' - " + image);
            assertEquals(0, made.code(), made.out());
            Run up = run(env, 300, "vagrant", "up");
            assertTrue(up.code() != 0, up.out());
            assertTrue(up.out().contains("image " + image + " was built by an older scripts/build-node-image.sh, without firewalld"), up.out());
            assertTrue(up.out().contains("rebuild it with scripts/build-node-image.sh " + image), up.out());
            assertEquals("", machines("itstale"), "no machine was made from it");
        } finally {
            if (!machines("itstale").isEmpty()) {
                run(env, 300, "vagrant", "destroy", "-f");
            }
            docker("rmi", image);
        }
        Run absent = run(env, 60, REPO.resolve("scripts/build-node-image.sh").toString(), "--check", image);
        assertEquals(1, absent.code(), absent.out());
        assertTrue(absent.out().contains("no image " + image + " here"), absent.out());
        Run current = run(env, 60, REPO.resolve("scripts/build-node-image.sh").toString(), "--check");
        assertEquals(0, current.code(), "the default image is current (scripts/test.sh builds it): " + current.out());
    }

    /** `vagrant validate` passes for every lab in labs/. */
    @Test
    void theVagrantfileValidatesForEveryLab() throws Exception {
        List<Path> labs;
        try (Stream<Path> s = Files.list(REPO.resolve("labs"))) {
            labs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(labs.size() >= 3, labs.toString());
        for (Path lab : labs) {
            Run v = run(env(lab), 120, "vagrant", "validate");
            assertEquals(0, v.code(), lab + ":\n" + v.out());
            assertTrue(v.out().contains("Vagrantfile validated successfully"), lab + ":\n" + v.out());
        }
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nunderlay: {cidr: 192.168.84.0/24}\nnodes: [{name: a, ip: 10.1.1.1}]\n");
        Run v = run(env(bad), 120, "vagrant", "validate");
        assertTrue(v.code() != 0, v.out());
        assertTrue(v.out().contains("nodes[0].ip: 10.1.1.1 is outside underlay.cidr"), v.out());
    }

}
