package dev.vxlab.orchestrator.cli;

import dev.vxlab.orchestrator.core.Lab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A state directory of a test's own, set as vxlab's ({@code vxlab.state.home}) until {@link #restore}, which deletes it. */
record StateHome(Path dir, String previous) {

    static StateHome create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            String previous = System.getProperty("vxlab.state.home");
            System.setProperty("vxlab.state.home", dir.toString());
            return new StateHome(dir, previous);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void restore() {
        Lab.deleteTree(dir);
        if (previous == null) {
            System.clearProperty("vxlab.state.home");
        } else {
            System.setProperty("vxlab.state.home", previous);
        }
    }
}
