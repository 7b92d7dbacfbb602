package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a lab by name or spec file: the provider its state records wins over the spec's. */
class LabTest {
    @TempDir
    Path dir;

    /** A netns spec for lab {@code name} whose state says it is up with {@code provider}. */
    Path upWith(String name, String provider) {
        Path spec = Specs.write(dir, name, "netns");
        LabState st = LabState.load(Lab.dir(dir, name), name);
        st.put("spec", spec.toString());
        st.put("provider", provider);
        return spec;
    }

    @Test
    void byNameTheSpecIsTheRecordedOneWithTheRecordedProvider() {
        Path spec = upWith("found", "vagrant");
        assertEquals(LabSpec.Provider.VAGRANT, Lab.resolve(dir, "found").spec().provider());
        assertEquals(LabSpec.Provider.VAGRANT, Lab.resolve(dir, spec.toString()).spec().provider());
    }

    @Test
    void aRecordedProviderThisVxlabDoesNotKnowIsASentenceNotAnEnumError() {
        upWith("alien", "qemu");
        VxlabException e = assertThrows(VxlabException.class, () -> Lab.resolve(dir, "alien"));
        assertEquals("lab alien was made by provider qemu, which this vxlab does not know", e.getMessage());
        assertEquals("known providers: [netns, vagrant, ssh]; take the lab down with the vxlab that made it", e.hint());
    }

    @Test
    void aNameWithoutALabSaysHowToListThem() {
        VxlabException e = assertThrows(VxlabException.class, () -> Lab.resolve(dir, "nolab"));
        assertEquals("`vxlab status` lists the labs that are up", e.hint());
    }
}
