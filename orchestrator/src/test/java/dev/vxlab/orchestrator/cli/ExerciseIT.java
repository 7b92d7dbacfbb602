package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.core.LabContext;
import dev.vxlab.orchestrator.core.LabExercise;
import dev.vxlab.orchestrator.exercise.Fault;
import dev.vxlab.orchestrator.exercise.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fault of {@link Faults} on a real netns lab, as a workshop runs it: `break` → `doctor` names the fault's
 * rule → `grade` fails → the fault's documented fix, applied with ordinary commands through `vxlab ssh` →
 * `grade` passes. Then a hidden random exercise, the bad inputs, and `down` leaving nothing of the lab.
 */
class ExerciseIT {
    static final String LAB = "itex";
    static Path state;

    @BeforeAll
    static void up() throws IOException {
        state = Files.createTempDirectory("vxlab-it-state-");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        LabUpIT.run("down", LAB);
        Lab.deleteTree(state);
    }

    static String fixOf() {
        return new LabExercise(LabContext.standard(s -> { }), new SecureRandom(), Clock.systemUTC()).documentedFix(LAB);
    }

    @Test
    void everyFaultIsNamedByDoctorFailsGradeAndPassesOnceMendedWithItsFix() throws IOException {
        String before = LabUpIT.ipState();
        LabUpIT.Run up = LabUpIT.run("up", LabUpIT.spec("exercise-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());

        LabUpIT.Run list = LabUpIT.run("break", "--list");
        assertEquals(0, list.code());
        assertTrue(Faults.ALL.size() >= 8 && Faults.ALL.stream().allMatch(f -> list.out().contains(f.id() + " ")), list.out());

        for (Fault fault : Faults.ALL) {
            String what = fault.id() + ": ";
            LabUpIT.Run broke = LabUpIT.run("break", LAB, fault.id(), "--node", "kube2");
            assertEquals(0, broke.code(), what + broke.out() + broke.err());
            assertTrue(broke.out().contains("broke lab itex: " + fault.id() + " on kube2"), what + broke.out());

            LabUpIT.Run second = LabUpIT.run("break", LAB, "udp-drop");
            assertEquals(2, second.code(), what + "a second break while one is active");

            LabUpIT.Run doctor = LabUpIT.run("doctor", LAB);
            assertEquals(1, doctor.code(), what + doctor.out());
            assertTrue(doctor.out().contains(fault.rule() + " ERROR") || doctor.out().contains(fault.rule() + " WARNING"),
                    what + "doctor names " + fault.rule() + ":\n" + doctor.out());

            LabUpIT.Run failing = LabUpIT.run("grade", LAB);
            assertEquals(1, failing.code(), what + failing.out());
            assertTrue(failing.out().startsWith("NOT YET: " + fault.id()), what + failing.out());

            LabUpIT.Run fixed = LabUpIT.run("ssh", LAB, "kube2", "--", fixOf());
            assertEquals(0, fixed.code(), what + fixed.out() + fixed.err());
            LabUpIT.Run passing = gradeUntilPassed();
            assertEquals(0, passing.code(), what + passing.out());
            assertTrue(passing.out().startsWith("PASS: " + fault.id() + " on kube2 is mended"), what + passing.out());
        }

        // what the ping matrix hides: a container whose MTU is above the overlay's
        Path junit = state.resolve("verify.xml");
        LabUpIT.Run mtu = LabUpIT.run("verify", LAB, "--mtu", "--junit", junit.toString());
        assertEquals(0, mtu.code(), mtu.out() + mtu.err());
        assertTrue(mtu.out().contains("1422-byte don't-fragment pings cross and one byte more is refused in the container"), mtu.out());
        assertEquals(0, LabUpIT.run("ssh", LAB, "kube2", "--", "ip -n vxtest link set eth0 mtu 1500").code());
        LabUpIT.Run big = LabUpIT.run("verify", LAB, "--mtu", "--junit", junit.toString());
        assertEquals(1, big.code(), big.out() + big.err());
        assertTrue(big.err().contains("MTU kube2 -> kube1: 1423-byte don't-fragment pings leave the container"), big.err());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("tests=\"12\" failures=\"2\""), xml);
        assertEquals(0, LabUpIT.run("ssh", LAB, "kube2", "--", "ip -n vxtest link set eth0 mtu 1450").code());

        LabUpIT.Run hidden = LabUpIT.run("break", LAB, "--random", "--hidden");
        assertEquals(0, hidden.code(), hidden.out() + hidden.err());
        assertTrue(hidden.out().contains("on one of its nodes (hidden)"), hidden.out());
        assertFalse(hidden.out().contains("kube1") || hidden.out().contains("kube2") || hidden.out().contains("kube3"), hidden.out());
        assertEquals(0, LabUpIT.run("break", LAB, "--reset").code());
        assertEquals(2, LabUpIT.run("grade", LAB).code(), "no exercise after a reset");

        LabUpIT.Run unknown = LabUpIT.run("break", LAB, "no-such-fault");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("udp-drop"), "the valid faults are listed: " + unknown.err());
        assertEquals(2, LabUpIT.run("break", LAB, "udp-drop", "--node", "kube9").code());

        assertEquals(0, LabUpIT.run("break", LAB, "udp-drop", "--node", "kube3").code());
        LabUpIT.Run down = LabUpIT.run("down", LAB);
        assertEquals(0, down.code(), down.err());
        // this lab's own objects only: its namespaces and its underlay's route (other labs may come and go meanwhile)
        assertEquals(List.of(), LabUpIT.leftovers(before, LAB).stream()
                .filter(l -> l.contains("vx-" + LAB + "-") || l.startsWith("192.168.85.")).toList());
        assertEquals(1, LabUpIT.run("break", LabUpIT.spec("exercise-lab.yaml"), "udp-drop").code(), "a lab that is down");
        assertEquals(2, LabUpIT.run("break", LAB, "udp-drop").code(), "a name no lab has (any more)");
    }

    /** The agent takes a few seconds to lease and program its peers after a restart. */
    static LabUpIT.Run gradeUntilPassed() {
        long deadline = System.nanoTime() + 40_000_000_000L;
        LabUpIT.Run r;
        do {
            r = LabUpIT.run("grade", LAB);
        } while (r.code() != 0 && System.nanoTime() < deadline && sleep());
        return r;
    }

    static boolean sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
