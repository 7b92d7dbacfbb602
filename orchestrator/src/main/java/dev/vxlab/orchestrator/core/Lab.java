package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Providers;
import dev.vxlab.orchestrator.spec.LabName;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/** Finds a lab by spec file or by name: its spec and its state directory (~/.vxlab/labs/NAME, or $VXLAB_HOME/labs/NAME). */
public record Lab(LabSpec spec, LabState state) {

    /** Where vxlab keeps its labs' state: -Dvxlab.state.home, else $VXLAB_HOME, else ~/.vxlab. */
    public static Path home() {
        String prop = System.getProperty("vxlab.state.home");
        if (prop != null) {
            return Path.of(prop);
        }
        String h = System.getenv("VXLAB_HOME");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".vxlab");
    }

    /** A lab's state directory under {@link #home()}. */
    public static Path dir(String name) {
        return dir(home(), name);
    }

    public static Path dir(Path home, String name) {
        return home.resolve("labs").resolve(name);
    }

    /** SPEC (a file) or NAME (of a lab that is up: its state records the spec's path). */
    static Lab resolve(Path home, String specOrName) {
        Path p = Path.of(specOrName);
        if (Files.isRegularFile(p)) {
            LabSpec spec = SpecLoader.load(p);
            LabState state = LabState.load(dir(home, spec.name()), spec.name());
            String provider = state.string("provider");
            if (provider != null && !provider.equals(Providers.id(spec.provider()))) {
                spec = SpecLoader.load(p, recorded(spec.name(), provider));
            }
            return new Lab(spec, state);
        }
        if (!LabName.isValid(specOrName)) {
            throw new VxlabException("no such spec file: " + specOrName, "give a spec file (labs/quickstart.yaml) or a lab's name");
        }
        LabState state = LabState.load(dir(home, specOrName), specOrName);
        if (!state.exists()) {
            // a name vxlab knows no lab by: a command line naming what does not exist (exit 2); a spec file whose lab is
            // not up is the services' "is not up" (exit 1)
            throw new BadInputException("no lab named " + specOrName + " (nothing under " + dir(home, specOrName) + ")",
                    "`vxlab status` lists the labs that are up");
        }
        String source = state.string("spec");
        if (source == null || !Files.isRegularFile(Path.of(source))) {
            throw new VxlabException("lab " + specOrName + " was made from " + source + ", which is gone",
                    "give the spec file instead of the name");
        }
        String provider = state.string("provider");
        return new Lab(SpecLoader.load(Path.of(source), provider == null ? null : recorded(specOrName, provider)), state);
    }

    /** The provider a lab's state names, or an error naming the known ones. */
    private static LabSpec.Provider recorded(String lab, String provider) {
        return Arrays.stream(LabSpec.Provider.values()).filter(p -> Providers.id(p).equals(provider)).findFirst()
                .orElseThrow(() -> unknownProvider(lab, provider));
    }

    static VxlabException unknownProvider(String lab, String provider) {
        return new VxlabException("lab " + lab + " was made by provider " + provider + ", which this vxlab does not know",
                "known providers: " + Arrays.stream(LabSpec.Provider.values()).map(Providers::id).toList()
                        + "; take the lab down with the vxlab that made it");
    }

    /** The node of that name, or an error listing the lab's nodes. */
    LabSpec.Node node(String name) {
        return node(spec, name);
    }

    /** The node of that name, or a bad command line (exit 2) naming the lab's nodes: every verb that takes a node. */
    static LabSpec.Node node(LabSpec spec, String name) {
        return spec.nodes().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new BadInputException("lab " + spec.name() + " has no node " + name,
                        "its nodes: " + String.join(", ", spec.nodes().stream().map(LabSpec.Node::name).toList())));
    }

    /** Removes a directory and everything under it (a lab's state directory at down). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
