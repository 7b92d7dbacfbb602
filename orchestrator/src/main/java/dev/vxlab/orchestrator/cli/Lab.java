package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a lab by spec file or by name: its spec and its state directory (~/.vxlab/labs/NAME, or $VXLAB_HOME/labs/NAME). */
record Lab(LabSpec spec, LabState state) {

    static Path home() {
        String prop = System.getProperty("vxlab.state.home");
        if (prop != null) {
            return Path.of(prop);
        }
        String h = System.getenv("VXLAB_HOME");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".vxlab");
    }

    static Path dir(String name) {
        return home().resolve("labs").resolve(name);
    }

    /** SPEC (a file) or NAME (of a lab that is up: its state records the spec's path). */
    static Lab resolve(String specOrName) {
        Path p = Path.of(specOrName);
        if (Files.isRegularFile(p)) {
            LabSpec spec = SpecLoader.load(p);
            LabState state = LabState.load(dir(spec.name()), spec.name());
            String provider = state.string("provider");
            if (provider != null && !provider.equals(spec.provider().name().toLowerCase(java.util.Locale.ROOT))) {
                spec = SpecLoader.load(p, LabSpec.Provider.valueOf(provider.toUpperCase(java.util.Locale.ROOT)));
            }
            return new Lab(spec, state);
        }
        if (!specOrName.matches("[a-z][a-z0-9-]{0,15}")) {
            throw new VxlabException("no such spec file: " + specOrName, "give a spec file (labs/quickstart.yaml) or a lab's name");
        }
        LabState state = LabState.load(dir(specOrName), specOrName);
        if (!state.exists()) {
            throw new VxlabException("no lab named " + specOrName + " (nothing under " + dir(specOrName) + ")",
                    "`vxlab status` lists the labs that are up");
        }
        String source = state.string("spec");
        if (source == null || !Files.isRegularFile(Path.of(source))) {
            throw new VxlabException("lab " + specOrName + " was made from " + source + ", which is gone",
                    "give the spec file instead of the name");
        }
        String provider = state.string("provider");
        return new Lab(SpecLoader.load(Path.of(source), provider == null ? null : LabSpec.Provider.valueOf(provider.toUpperCase(java.util.Locale.ROOT))),
                state);
    }
}
