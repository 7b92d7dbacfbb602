package dev.vxlab.orchestrator.cli;

import static dev.vxlab.orchestrator.cli.LabUpIT.run;
import static dev.vxlab.orchestrator.cli.LabUpIT.run0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.lab.LabState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three labs up at once on this machine — the quickstart and the trap as shipped (labs/), and a third with etcd
 * as a process (it/process-lab.yaml) — then taken down in another order than they came up. After each down: that
 * lab left nothing of its own (namespaces, root link, routes to its underlay, etcd container, processes, state),
 * and the others still have every object they had and still work (their ping matrix green, the trap still
 * explained by doctor). A lab of one of their names under another vxlab home is refused and its down touches
 * nothing of theirs. The labs use the shipped specs, so no other lab of 192.168.56-57.0/24 may be up meanwhile.
 */
class ThreeLabsIT {
    static final Map<String, String> LABS = new LinkedHashMap<>();
    static Path state;

    static {
        LABS.put("quickstart", Path.of("..", "labs", "quickstart.yaml").toString());
        LABS.put("eth0-trap", Path.of("..", "labs", "vagrant-eth0-trap.yaml").toString());
        LABS.put("itproc", LabUpIT.spec("process-lab.yaml"));
    }

    static final Map<String, String> UNDERLAYS = Map.of("quickstart", "192.168.56.", "eth0-trap", "192.168.57.", "itproc", "192.168.77.");

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-three-");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        LABS.keySet().forEach(lab -> run("down", lab));
        Lab.deleteTree(state);
    }

    /** Everything of {@code lab} this machine shows: its namespaces, links and routes, etcd containers, live processes. */
    static List<String> objects(String lab) {
        List<String> out = new ArrayList<>();
        for (String ns : run0("ip", "netns", "list").split("\n")) {
            if (ns.startsWith("vx-" + lab + "-")) {
                out.add("netns " + ns.split(" ")[0]);
            }
        }
        run0("ip", "route").lines().filter(l -> l.startsWith(UNDERLAYS.get(lab))).forEach(l -> out.add("route " + l));
        run0("docker", "ps", "-aq", "--filter", "label=dev.vxlab.lab=" + lab).lines().filter(l -> !l.isBlank())
                .forEach(c -> out.add("container " + c));
        Path dir = state.resolve("labs").resolve(lab);
        if (Files.isDirectory(dir)) {
            out.add("state " + dir);
            LabState.load(dir, lab).pids().forEach((role, pid) -> {
                if (Files.exists(Path.of("/proc/" + pid))) {
                    out.add("process " + role + " " + pid);
                }
            });
        }
        return out;
    }

    static void works(String lab) {
        if (lab.equals("eth0-trap")) {
            LabUpIT.Run doctor = run("doctor", lab);
            assertEquals(1, doctor.code(), doctor.out());
            assertTrue(doctor.out().contains("VX001"), "the trap is still the trap: " + doctor.out());
        } else {
            LabUpIT.Run verify = run("verify", lab);
            assertEquals(0, verify.code(), lab + ": " + verify.out() + verify.err());
        }
    }

    @Test
    void threeLabsUpAtOnceAndDownInAnotherOrderTouchNothingOfEachOther() {
        for (String lab : LABS.keySet()) {
            assertEquals(List.of(), objects(lab), lab + " is not up before the test");
        }
        assertEquals(0, run("up", LABS.get("quickstart")).code());
        LabUpIT.Run trap = run("up", LABS.get("eth0-trap"));
        assertEquals(1, trap.code(), "the trap stops at the agent step: " + trap.out() + trap.err());
        assertTrue(trap.err().contains("10.0.2.15"), trap.err());
        LabUpIT.Run third = run("up", LABS.get("itproc"));
        assertEquals(0, third.code(), third.out() + third.err());

        Map<String, List<String>> held = new LinkedHashMap<>();
        for (String lab : LABS.keySet()) {
            held.put(lab, objects(lab));
            assertTrue(held.get(lab).stream().filter(o -> o.startsWith("netns ")).count() >= 2, lab + ": " + held.get(lab));
            works(lab);
        }

        // a lab of the same name under another vxlab home (another VXLAB_HOME, another user): its up is refused
        // before it makes anything, and its down removes nothing of the first's
        StateHome otherHome = StateHome.create("vxlab-it-other-home-");
        try {
            LabUpIT.Run twin = run("up", LABS.get("itproc"));
            assertEquals(1, twin.code(), twin.out() + twin.err());
            assertTrue(twin.err().contains("the network namespaces of a lab named itproc (vx-itproc-*) are already on this machine, made by the vxlab"
                    + " state in " + state.resolve("labs").resolve("itproc")), twin.err());
            assertTrue(twin.err().contains("VXLAB_HOME=" + state + " vxlab down itproc"), twin.err());
            assertFalse(Files.exists(otherHome.dir().resolve("labs").resolve("itproc").resolve(LabState.FILE)), "the refused up recorded nothing");
            // a state in which an earlier vxlab recorded the first one's namespaces and sshds as its own
            LabState first = LabState.load(state.resolve("labs").resolve("itproc"), "itproc");
            LabState took = LabState.load(otherHome.dir().resolve("labs").resolve("itproc"), "itproc");
            took.put("provider", "netns");
            first.list("namespaces").forEach(ns -> took.add("namespaces", ns));
            first.pids().forEach(took::pid);
            LabUpIT.Run down = run("down", "itproc");
            assertTrue((down.out() + down.err()).contains("made by the vxlab state in " + state.resolve("labs").resolve("itproc")), down.out() + down.err());
        } finally {
            otherHome.restore();
        }
        assertEquals(held.get("itproc"), objects("itproc"), "the other home's up and down touched nothing of itproc");
        works("itproc");

        List<String> downOrder = List.of("eth0-trap", "itproc", "quickstart");
        List<String> left = new ArrayList<>(downOrder);
        for (String lab : downOrder) {
            LabUpIT.Run down = run("down", lab);
            assertEquals(0, down.code(), lab + ": " + down.out() + down.err());
            assertEquals(List.of(), objects(lab), lab + " left nothing of its own");
            left.remove(lab);
            for (String other : left) {
                assertEquals(held.get(other), objects(other), "down " + lab + " touched nothing of " + other);
                works(other);
            }
        }
        assertFalse(Arrays.stream(run0("ip", "netns", "list").split("\n")).anyMatch(n -> LABS.keySet().stream().anyMatch(l -> n.startsWith("vx-" + l + "-"))));
    }
}
