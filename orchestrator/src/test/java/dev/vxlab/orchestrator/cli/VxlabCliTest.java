package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.LabGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line, parsed without running anything (as jib tests its CLI), plus the exit codes of bad input. */
class VxlabCliTest {

    static <T> T parse(T command, String... args) {
        return CommandLine.populateCommand(command, args);
    }

    @Test
    void upTakesASpecAndTheCommonOptions() {
        Up up = parse(new Up(), "labs/quickstart.yaml", "--verbose", "--json");
        assertEquals(Path.of("labs/quickstart.yaml"), up.specFile);
        assertTrue(up.common.verbose && up.common.json);
        assertThrows(CommandLine.MissingParameterException.class, () -> parse(new Up()));
    }

    @Test
    void renderNeedsOut() {
        Render r = parse(new Render(), "labs/quickstart.yaml", "--out", "/tmp/x");
        assertEquals(Path.of("/tmp/x"), r.out);
        assertThrows(CommandLine.MissingParameterException.class, () -> parse(new Render(), "labs/quickstart.yaml"));
    }

    @Test
    void sshTakesLabNodeAndACommandAfterTheDoubleDash() {
        Ssh s = parse(new Ssh(), "quickstart", "kube1", "--", "ip", "-br", "addr");
        assertEquals("quickstart", s.lab);
        assertEquals("kube1", s.node);
        assertEquals(List.of("ip", "-br", "addr"), s.cmd);
    }

    @Test
    void graphTakesALabAFormatAndAnOutFile() {
        Graph g = parse(new Graph(), "quickstart", "--format", "DOT", "--out", "/tmp/q.dot");
        assertEquals("quickstart", g.lab.lab);
        assertEquals(LabGraph.Format.DOT, g.format);
        assertEquals(Path.of("/tmp/q.dot"), g.out);
        assertEquals(null, parse(new Graph(), "labs/quickstart.yaml").format, "no --format: the service picks");
        assertEquals(2, run("graph", "labs/quickstart.yaml", "--format", "png").code());
        Run json = run("graph", "labs/quickstart.yaml", "--json");
        assertEquals(2, json.code());
        assertTrue(json.err().contains("--format dot"), json.err());
    }

    @Test
    void traceTakesLabSourceDestinationAndWhereToKeepThePcaps() {
        Trace t = parse(new Trace(), "quickstart", "kube1", "kube2", "--keep-pcap", "/tmp/p", "--json");
        assertEquals(List.of("quickstart", "kube1", "kube2", Path.of("/tmp/p")), List.of(t.lab, t.src, t.dst, t.keep));
        assertTrue(t.common.json);
        assertThrows(CommandLine.MissingParameterException.class, () -> parse(new Trace(), "quickstart", "kube1"));
    }

    @Test
    void traceRefusesTheSameNodeTwiceAndUnknownNodesWithExitTwoAndALabThatIsNotUpWithExitOne(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("lab.yaml");
        Files.writeString(spec, "name: lab\nnodes:\n  - {name: kube1, ip: 192.168.56.11}\n  - {name: kube2, ip: 192.168.56.12}\n");
        System.setProperty("vxlab.state.home", dir.resolve("state").toString());
        try {
            Run same = run("trace", spec.toString(), "kube1", "kube1");
            assertEquals(2, same.code(), same.err());
            assertEquals("vxlab: trace needs two nodes: SRC and DST are both kube1\n  hint: trace kube1 to another node: kube2\n", same.err());
            Run unknown = run("trace", spec.toString(), "kube1", "kube3");
            assertEquals(2, unknown.code(), unknown.err());
            assertEquals("vxlab: lab lab has no node kube3\n  hint: its nodes: kube1, kube2\n", unknown.err());
            Run down = run("trace", spec.toString(), "kube1", "kube2");
            assertEquals(1, down.code(), down.err());
            assertEquals("vxlab: lab lab is not up\n  hint: vxlab up SPEC first\n", down.err());
            assertTrue(Files.notExists(dir.resolve("state")), "no lab state was created");
        } finally {
            System.clearProperty("vxlab.state.home");
        }
    }

    @Test
    void statusNameIsOptional() {
        assertEquals(null, parse(new Status()).lab);
        assertEquals("quickstart", parse(new Status(), "quickstart", "--json").lab);
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Vxlab.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownSubcommandOrOptionIsExitTwo() {
        assertEquals(2, run("launch").code());
        assertEquals(2, run("up", "--frobnicate", "x.yaml").code());
    }

    @Test
    void providerOverrideIsCheckedAndRevalidatesTheSpecForThatProvider(@TempDir Path dir) throws Exception {
        assertEquals(2, run("up", "--provider", "vmware", "x.yaml").code());
        Path spec = dir.resolve("lab.yaml");
        Files.writeString(spec, "name: lab\nnodes:\n  - {name: kube1, ip: 192.168.56.11}\n");
        System.setProperty("vxlab.state.home", dir.resolve("state").toString());
        try {
            Run r = run("up", "--provider", "ssh", spec.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("ssh.knownHosts: required with provider: ssh"), r.err());
            assertTrue(Files.notExists(dir.resolve("state")), "no lab state was created");
        } finally {
            System.clearProperty("vxlab.state.home");
        }
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes: 0 success; 1 a step failed"), r.out());
    }

    @Test
    void aBadSpecIsExitTwoWithFileLineColumnAndNothingIsMade(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "name: Bad_Name\nnodes:\n  - {name: kube1, ip: 192.168.56.11}\n");
        System.setProperty("vxlab.state.home", dir.resolve("state").toString());
        try {
            Run r = run("up", spec.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(spec + ":1:7: name:"), r.err());
            assertTrue(Files.notExists(dir.resolve("state")), "no lab state was created");
        } finally {
            System.clearProperty("vxlab.state.home");
        }
    }
}
