package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code down} by the lab's state: the provider it records, from the state alone or with the spec; then etcd; then the state. */
class LabDownTest {
    @TempDir
    Path dir;

    @Test
    void aLabThatIsNotUpIsNothingToDo() {
        Fixture f = new Fixture(dir);
        LabDown.Result r = new LabDown(f.context()).down("nolab");
        assertEquals(new LabDown.Result("nolab", false), r);
        assertEquals(List.of(), f.events.all());
    }

    @Test
    void aProviderThatCanIsTakenDownFromTheStateAloneThenEtcdThenTheStateDirectory() {
        Fixture f = new Fixture(dir);
        LabState st = f.state("gone");
        st.put("provider", "netns");
        st.put("spec", dir.resolve("deleted.yaml").toString());
        assertEquals(new LabDown.Result("gone", true), new LabDown(f.context(true)).down("gone"));
        assertEquals(List.of("teardown gone", "etcd stop"), f.events.all());
        assertFalse(Files.exists(Lab.dir(dir, "gone")));
    }

    @Test
    void aStateWithoutAProviderPredatesItAndIsANetnsLab() {
        Fixture f = new Fixture(dir);
        f.state("old").put("namespaces", List.of());
        new LabDown(f.context(true)).down("old");
        assertEquals(List.of("teardown old", "etcd stop"), f.events.all());
    }

    @Test
    void otherwiseTheMachinesComeDownWithTheSpecAndTheRecordedProcessesAreStopped() {
        Fixture f = new Fixture(dir);
        Path spec = Specs.write(dir, "withspec", "netns");
        LabState st = f.state("withspec");
        st.put("provider", "netns");
        st.put("spec", spec.toString());
        st.pid("etcd", 4242L);
        new LabDown(f.context(false)).down(spec.toString());
        assertEquals(List.of("machines down", "host stop [4242]", "etcd stop"), f.events.all());
        assertFalse(Files.exists(Lab.dir(dir, "withspec")));
    }

    @Test
    void aProviderThisVxlabDoesNotKnowIsAnErrorAndTheStateStays() {
        Fixture f = new Fixture(dir);
        f.state("alien").put("provider", "qemu");
        VxlabException e = assertThrows(VxlabException.class, () -> new LabDown(f.context()).down("alien"));
        assertEquals("lab alien was made by provider qemu, which this vxlab does not know", e.getMessage());
        assertTrue(Files.exists(Lab.dir(dir, "alien").resolve("state.json")));
    }

    /** A lab with the spec path (the fake provider needs its spec to come down) and what up recorded for kube1..3. */
    private LabState upWithThreeNodes(Fixture f, String lab) {
        Path spec = Specs.write(dir, lab, "netns");
        LabState st = f.state(lab);
        st.put("provider", "netns");
        st.put("spec", spec.toString());
        for (String n : List.of("kube1", "kube2", "kube3")) {
            st.add("reached", n);
            st.add("made/" + n, "/etc/sysconfig/flanneld");
            st.put("sshTarget/" + n, "root@" + n);
        }
        st.put("etcdOn", "kube2");
        st.pid("etcd", 4242L);
        st.put("etcdContainer", "vxlab-" + lab + "-etcd");
        return st;
    }

    private static Machines.Left kube2Left() {
        return new Machines.Left("kube2", "root@192.168.90.12:22", "it did not answer: connection refused", "start its sshd",
                List.of("the agent vxlabd", "1 file vxlab made (/etc/sysconfig/flanneld)"), List.of("sshTarget/kube2", "made/kube2"));
    }

    @Test
    void aNodeThatDidNotAnswerIsAllTheStateKeepsAndEverythingElseIsRemoved() throws Exception {
        Fixture f = new Fixture(dir);
        LabState st = upWithThreeNodes(f, "dead");
        Files.createDirectories(st.dir().resolve("etcd/data"));
        f.machines.left = List.of(kube2Left());

        LabDown.Result r = new LabDown(f.context(false)).down("dead");
        assertTrue(r.wasUp());
        assertEquals(List.of(LabDown.Left.of(kube2Left())), r.left());
        assertEquals(Lab.dir(dir, "dead").resolve("state.json"), r.state());
        // the rest came down: the machines, the processes recorded here, etcd's container here
        assertEquals(List.of("machines down", "host stop [4242]", "etcd stop"), f.events.all());

        LabState after = f.state("dead");
        assertTrue(after.exists(), "the state stays while something is left");
        assertEquals(Set.of("name", "provider", "spec", "sshTarget/kube2", "made/kube2", "etcdOn"), after.keys());
        assertEquals(List.of("/etc/sysconfig/flanneld"), after.list("made/kube2"));
        assertEquals("root@kube2", after.string("sshTarget/kube2"));
        assertEquals("kube2", after.string("etcdOn"), "etcd ran on kube2, which did not answer: still there");
        assertEquals(0, after.pids().size(), "the processes stopped here are forgotten");
        assertEquals(null, after.get("etcdContainer"));
        assertEquals(st.string("spec"), after.string("spec"), "the spec's path stays: the next down needs it");
        try (var files = Files.list(after.dir())) {
            assertEquals(List.of("state.json"), files.map(x -> x.getFileName().toString()).toList(), "only the state file is left");
        }

        // the host answers again: the next down finishes and removes the state
        f.machines.left = List.of();
        LabDown.Result second = new LabDown(f.context(false)).down("dead");
        assertEquals(new LabDown.Result("dead", true), second);
        assertFalse(Files.exists(Lab.dir(dir, "dead")));
    }
}
