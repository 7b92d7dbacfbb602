package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graph} over a fake machine: with and without Graphviz's dot, to stdout or a file; a spec not up drawn as planned. */
class LabGraphTest {
    @TempDir
    Path dir;

    Fixture withoutDot() {
        Fixture f = new Fixture(dir);
        f.host.on("command -v dot", new Host.Result(1, ""));
        return f;
    }

    /** A dot that writes "<svg>" and the line count of its input to the -o file, as the real one writes SVG there. */
    Fixture withDot() {
        Fixture f = new Fixture(dir);
        f.host.on("dot -Tsvg", cmd -> {
            try {
                long lines = Files.readAllLines(Path.of(cmd.get(4))).size();
                Files.writeString(Path.of(cmd.get(3)), "<svg>" + lines + "</svg>\n", StandardCharsets.UTF_8);
                return new Host.Result(0, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return f;
    }

    @Test
    void withoutDotTheDefaultIsDotTextWithANote() {
        Fixture f = withoutDot();
        LabGraph.Drawing d = new LabGraph(f.context()).draw(Specs.write(dir, "planned", "netns").toString(), null, null);
        assertEquals(LabGraph.Format.DOT, d.format());
        assertTrue(d.text().startsWith("graph vxlab {") && d.text().contains("not leased yet"), d.text());
        assertTrue(d.note().contains("install graphviz"), d.note());
        assertEquals(List.of("host run sh -c command -v dot"), f.events.all(), "a spec that is not up is drawn from the spec alone");
    }

    @Test
    void svgWithoutDotSaysToInstallGraphvizOrUseFormatDot() {
        Fixture f = withoutDot();
        String spec = Specs.write(dir, "planned", "netns").toString();
        VxlabException e = assertThrows(VxlabException.class, () -> new LabGraph(f.context()).draw(spec, LabGraph.Format.SVG, null));
        assertTrue(e.getMessage().contains("dot") && e.hint().contains("install graphviz") && e.hint().contains("--format dot"),
                e.getMessage() + " / " + e.hint());
    }

    @Test
    void withDotTheDefaultIsSvgFromDotsOutputFile() throws IOException {
        Fixture f = withDot();
        Path out = dir.resolve("lab.svg");
        LabGraph.Drawing d = new LabGraph(f.context()).draw(Specs.write(dir, "planned", "netns").toString(), null, out);
        assertEquals(LabGraph.Format.SVG, d.format());
        assertNull(d.note());
        assertTrue(d.text().matches("<svg>\\d+</svg>\n"), d.text());
        assertEquals(d.text(), Files.readString(out));
        String run = f.events.all().get(1);
        assertTrue(run.startsWith("host run dot -Tsvg -o "), f.events.all().toString());
        assertTrue(Files.notExists(Path.of(run.split(" ")[5]).getParent()), "dot's temporary files are removed");
    }

    @Test
    void formatDotAsksForNoDot() {
        Fixture f = withoutDot();
        LabGraph.Drawing d = new LabGraph(f.context()).draw(Specs.write(dir, "planned", "netns").toString(), LabGraph.Format.DOT, null);
        assertEquals(LabGraph.Format.DOT, d.format());
        assertNull(d.note());
        assertEquals(List.of(), f.events.all());
    }

    @Test
    void aFailingDotIsAnErrorWithItsOutput() {
        Fixture f = new Fixture(dir);
        f.host.on("dot -Tsvg", new Host.Result(1, "Error: syntax error in line 3"));
        String spec = Specs.write(dir, "planned", "netns").toString();
        VxlabException e = assertThrows(VxlabException.class, () -> new LabGraph(f.context()).draw(spec, LabGraph.Format.SVG, null));
        assertTrue(e.getMessage().contains("syntax error in line 3"), e.getMessage());
    }

    @Test
    void anOutInADirectoryThatDoesNotExistIsOneLine() {
        Fixture f = withoutDot();
        String spec = Specs.write(dir, "planned", "netns").toString();
        Path out = dir.resolve("no/such/dir/lab.dot");
        VxlabException e = assertThrows(VxlabException.class, () -> new LabGraph(f.context()).draw(spec, LabGraph.Format.DOT, out));
        assertTrue(e.getMessage().startsWith("cannot write " + out), e.getMessage());
    }
}
