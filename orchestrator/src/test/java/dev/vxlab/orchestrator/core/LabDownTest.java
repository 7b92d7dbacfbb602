package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
