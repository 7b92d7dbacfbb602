package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.graph.Dot;
import dev.vxlab.orchestrator.graph.Topology;
import dev.vxlab.orchestrator.lab.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code vxlab graph}: the lab's topology ({@link Topology}) drawn in DOT ({@link Dot}), and as SVG through
 * Graphviz's {@code dot} on this machine. A spec that is not up is drawn as planned; a lab that is up from the
 * facts the doctor gathers ({@link LabDoctor#facts}: every node's links and agent, etcd's leases).
 */
public final class LabGraph {
    /** How long {@code dot} may take; a 64-node lab lays out in well under a second. */
    static final int DOT_SECONDS = 60;

    public enum Format { SVG, DOT }

    /** The drawing in {@code format}; {@code note}: a line for stderr (the format chosen for want of dot), or null. */
    public record Drawing(Format format, String text, String note) {
    }

    private final LabContext context;

    public LabGraph(LabContext context) {
        this.context = context;
    }

    /** SPEC or NAME, in {@code format} (null: SVG when dot is installed, else DOT with a note); written to {@code out} unless null. */
    public Drawing draw(String specOrName, Format format, Path out) {
        Lab l = Lab.resolve(context.home(), specOrName);
        boolean haveDot = format != Format.DOT && context.host().run("sh", "-c", "command -v dot").ok();
        if (format == Format.SVG && !haveDot) {
            throw new VxlabException("--format svg needs Graphviz's dot, which is not installed on this machine",
                    "install graphviz (apt-get install graphviz; scripts/install-deps.sh does it), or use --format dot");
        }
        String dot = Dot.write(l.state().exists() ? Topology.live(new LabDoctor(context).facts(l)) : Topology.planned(l.spec()));
        Drawing d = haveDot ? new Drawing(Format.SVG, svg(dot), null)
                : new Drawing(Format.DOT, dot, format == null ? "dot (Graphviz) is not installed: writing DOT instead of SVG;"
                        + " install graphviz for SVG, or render it elsewhere with `dot -Tsvg`" : null);
        if (out != null) {
            write(out, d.text());
        }
        return d;
    }

    /** {@code dot -Tsvg}, file to file: the host runs commands with stdin closed, and dot's warnings stay out of the SVG. */
    private String svg(String dot) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vxlab-graph-");
            Path in = dir.resolve("lab.dot");
            Path svg = dir.resolve("lab.svg");
            Files.writeString(in, dot, StandardCharsets.UTF_8);
            Host.Result r = context.host().run(List.of("dot", "-Tsvg", "-o", svg.toString(), in.toString()), null, Map.of(), DOT_SECONDS);
            if (!r.ok() || !Files.isRegularFile(svg)) {
                throw new VxlabException("dot -Tsvg failed: " + r.tail(), "--format dot writes the DOT text it was given");
            }
            return Files.readString(svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                Lab.deleteTree(dir);
            }
        }
    }

    private static void write(Path out, String text) {
        try {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VxlabException("cannot write " + out + ": " + e.getMessage(), "give --out a file in a directory that exists and"
                    + " is writable", e);
        }
    }
}
