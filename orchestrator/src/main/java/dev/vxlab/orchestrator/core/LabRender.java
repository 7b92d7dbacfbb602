package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.etcd.StandardEtcdPlacement;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.render.Renderer;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@code vxlab render}: every file {@code up} would push, per node, under a directory; nothing else is touched. */
public final class LabRender {

    /** Writes {@code out/NODE/PATH} for each rendered file, telling {@code written} each path as it is written. */
    public void render(Path specFile, Path out, Consumer<Path> written) {
        LabSpec spec = SpecLoader.load(specFile);
        Renderer renderer = new Renderer();
        for (LabSpec.Node node : spec.nodes()) {
            for (RenderedFile f : renderer.render(spec, node, StandardEtcdPlacement.renderedEndpoints(spec))) {
                Path target = out.resolve(node.name()).resolve(f.path().substring(1));
                try {
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, f.content(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                written.accept(target);
            }
        }
    }
}
