package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.core.LabDown;
import dev.vxlab.orchestrator.core.LabStatus;
import dev.vxlab.orchestrator.core.Verification;
import dev.vxlab.orchestrator.spec.SpecError;
import dev.vxlab.orchestrator.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What a user reads: the error line of every kind of failure (never a Java class name) with its exit code, the
 * one-line summaries of `vxlab --help`, and the result formats (table and JSON).
 */
class VxlabOutputTest {
    /** A qualified class name ("java.io.UncheckedIOException") or an exception's simple name. */
    static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z]+\\.)+[A-Z]\\w*|\\b\\w*(?:Exception|Error)\\b");

    record Failure(int code, String err) {
    }

    static Failure fail(Exception e) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Vxlab.failed(e, false, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Failure(code, err.toString(StandardCharsets.UTF_8));
    }

    static void assertPlain(Failure f) {
        assertFalse(CLASS_NAME.matcher(f.err()).find(), "a class name reached the user: " + f.err());
    }

    @Test
    void anUnexpectedIoErrorIsASentenceWithExitOne() {
        Failure f = fail(new UncheckedIOException(new AccessDeniedException("/root/.vxlab/labs/x/state.json")));
        assertEquals(1, f.code());
        assertEquals("vxlab: cannot use /root/.vxlab/labs/x/state.json: permission denied\n  (--stacktrace shows where)\n", f.err());
        assertPlain(f);
        Failure missing = fail(new UncheckedIOException(new NoSuchFileException("/tmp/out/kube1")));
        assertEquals("vxlab: cannot use /tmp/out/kube1: no such file or directory\n  (--stacktrace shows where)\n", missing.err());
        Failure io = fail(new IllegalStateException(new IOException("No space left on device")));
        assertTrue(io.err().startsWith("vxlab: an input/output operation failed: No space left on device\n"), io.err());
        assertPlain(io);
    }

    @Test
    void aBugIsASentenceToo() {
        Failure npe = fail(new NullPointerException());
        assertEquals("vxlab: vxlab stopped on an unexpected internal error\n  (--stacktrace shows where)\n", npe.err());
        Failure wrapped = fail(new IllegalStateException(new IllegalArgumentException("java.lang.IllegalArgumentException: bad pid x")));
        assertTrue(wrapped.err().startsWith("vxlab: vxlab stopped on an unexpected internal error: bad pid x\n"), wrapped.err());
        assertPlain(npe);
        assertPlain(wrapped);
    }

    @Test
    void aTypedFailureIsItsMessageAndHintWithoutTheClassNamesALibraryPutInIt() {
        Failure f = fail(new VxlabException("cannot open SSH to root@192.168.56.11:22: java.net.ConnectException: Connection refused",
                "is the node up?"));
        assertEquals(1, f.code());
        assertEquals("vxlab: cannot open SSH to root@192.168.56.11:22: Connection refused\n  hint: is the node up?\n", f.err());
        Failure spec = fail(new SpecException(List.of(new SpecError("lab.yaml", 1, 7, "name", "must match [a-z][a-z0-9-]{0,15}"))));
        assertEquals(2, spec.code());
        assertPlain(spec);
        assertTrue(spec.err().startsWith("vxlab: 1 problem in the spec:"), spec.err());
    }

    static String summary(CommandLine sub) {
        String[] header = sub.getCommandSpec().usageMessage().header();
        return header.length > 0 ? header[0] : sub.getCommandSpec().usageMessage().description()[0];
    }

    @Test
    void aNamedVerbGetsOnlyItsOwnModelAndAnythingElseEveryVerb() {
        assertEquals(java.util.Set.of("status"), Vxlab.commandLine("status").getSubcommands().keySet());
        for (String notAVerb : new String[] {"--help", "stauts", "--version", null}) {
            assertEquals(List.copyOf(Vxlab.VERBS.keySet()), List.copyOf(Vxlab.commandLine(notAVerb).getSubcommands().keySet()), String.valueOf(notAVerb));
        }
        for (Map.Entry<String, CommandLine> e : Vxlab.commandLine(null).getSubcommands().entrySet()) {
            assertEquals(e.getKey(), e.getValue().getCommandName(), "a verb is added under its own @Command name");
        }
    }

    @Test
    void everyCommandsSummaryIsAWholeSentenceThatTheHelpPrintsWhole() {
        StringWriter help = new StringWriter();
        CommandLine top = Vxlab.commandLine(null);
        top.usage(new PrintWriter(help));
        String flat = help.toString().replaceAll("\\s+", " ");
        for (Map.Entry<String, CommandLine> e : top.getSubcommands().entrySet()) {
            String s = summary(e.getValue());
            assertTrue(s.matches("[A-Z].*\\.") && !s.contains("\n"), e.getKey() + ": " + s);
            assertTrue(flat.contains(e.getKey() + " " + s), "vxlab --help prints the summary of " + e.getKey() + " whole:\n" + help);
        }
        StringWriter up = new StringWriter();
        top.getSubcommands().get("up").usage(new PrintWriter(up));
        assertTrue(up.toString().replaceAll("\\s+", " ").contains("and prove the overlay with the ping matrix. A re-run converges: it reports each"
                + " file and step as changed or unchanged."), "the full description stays in the command's own help:\n" + up);
    }

    @Test
    void downAndVerifyTakeTheLabArgumentAndTheCommonOptions() {
        Down d = CommandLine.populateCommand(new Down(), "labs/quickstart.yaml", "--verbose");
        assertEquals("labs/quickstart.yaml", d.lab.lab);
        assertTrue(d.common.verbose);
        Verify v = CommandLine.populateCommand(new Verify(), "quickstart", "--json", "--stacktrace");
        assertEquals("quickstart", v.lab.lab);
        assertTrue(v.common.json && v.common.stacktrace);
    }

    static Verification matrix(boolean kube3Answers) {
        Double[][] rtt = {{null, 0.41, kube3Answers ? 0.5 : null}, {0.4, null, 0.52}, {0.4, 0.43, null}};
        return new Verification("quickstart", List.of("kube1", "kube2", "kube3"),
                Map.of("kube1", "10.244.1.2", "kube2", "10.244.2.2", "kube3", "10.244.3.2"), rtt,
                kube3Answers ? List.of() : List.of("kube1 -> kube3"));
    }

    record Printed(int code, String out, String err) {
    }

    static Printed print(Verification v, boolean json) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Output o = new Output(new PrintWriter(out), new PrintWriter(err), json);
        Progress p = o.progress();
        p.step("verify");
        int code = o.verification(v, p);
        return new Printed(code, out.toString(), err.toString());
    }

    @Test
    void theMatrixAsATableAndTheFailedPairsOnStderr() {
        Printed ok = print(matrix(true), false);
        assertEquals(0, ok.code());
        assertTrue(ok.out().startsWith("from \\ to          kube1       kube2       kube3\nkube1                  -     0.41 ms     0.50 ms\n"), ok.out());
        assertTrue(ok.out().matches("(?s).*\\[verify\\] all 6 pairs ping \\(\\d+\\.\\d\\d s\\)\n"), ok.out());
        Printed bad = print(matrix(false), false);
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("FAIL"), bad.out());
        assertEquals("vxlab: ping failed for kube1 -> kube3\n", bad.err());
    }

    @Test
    void theMatrixAsJsonHasItsPairsAndNothingElseOnStdout() {
        Printed p = print(matrix(false), true);
        Map<String, Object> m = Json.parseObject(p.out().trim());
        assertEquals(List.of("lab", "containers", "pairs", "failed"), List.copyOf(m.keySet()));
        assertEquals(6, ((List<?>) m.get("pairs")).size());
        assertEquals(Map.of("from", "kube1", "to", "kube3", "ok", false), without((Map<?, ?>) ((List<?>) m.get("pairs")).get(1), "rttMs"));
        assertEquals(List.of("kube1 -> kube3"), m.get("failed"));
    }

    static Map<?, ?> without(Map<?, ?> m, String key) {
        Map<Object, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }

    @Test
    void statusAsATableWithDashesAndAsJsonWithNulls() {
        LabStatus.Status s = new LabStatus.Status("quickstart", "on kube1", List.of(
                new LabStatus.Node("kube1", "192.168.56.11", "192.168.56.11", "eth1", "10.244.1.0/24", "aa:bb:cc:dd:ee:01", "2026-12-03T10:00:00Z", "running"),
                new LabStatus.Node("kube2", "192.168.56.12", null, null, null, null, null, "unreachable")));
        StringWriter out = new StringWriter();
        new Output(new PrintWriter(out), new PrintWriter(new StringWriter()), false).status(s);
        List<String> lines = out.toString().lines().toList();
        assertEquals("NODE       IP              PUBLIC IP       IFACE  SUBNET           VTEP MAC           LEASE EXPIRES             AGENT", lines.get(0));
        assertEquals("kube2      192.168.56.12   -               -      -                -                  -                         unreachable", lines.get(2));
        StringWriter json = new StringWriter();
        new Output(new PrintWriter(json), new PrintWriter(new StringWriter()), true).status(s);
        Map<String, Object> m = Json.parseObject(json.toString().trim());
        assertEquals("on kube1", m.get("etcd"));
        Map<?, ?> kube2 = (Map<?, ?>) ((List<?>) m.get("nodes")).get(1);
        assertEquals(List.of("node", "ip", "publicIp", "interface", "subnet", "vtepMac", "leaseExpiry", "agent"), List.copyOf(kube2.keySet()));
        assertEquals(null, kube2.get("subnet"));
    }

    @Test
    void aDownThatLeftSomethingNamesTheHostWhatIsLeftAndWhatToTryOnStderrWithExitOne() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        LabDown.Result r = new LabDown.Result("lab1", true, List.of(new LabDown.Left("h2", "root@10.0.0.12:22",
                "it did not answer: cannot open SSH to root@10.0.0.12:22: Connection refused", "once h2 answers again, `vxlab down lab1` finishes",
                List.of("the agent vxlabd", "flannel.1"))), Path.of("/home/u/.vxlab/labs/lab1/state.json"));
        int code = new Output(new PrintWriter(out), new PrintWriter(err), false).downIncomplete(r);
        assertEquals(1, code);
        assertEquals("", out.toString());
        assertEquals("""
                vxlab: lab lab1 is down except on h2 (root@10.0.0.12:22): it did not answer: cannot open SSH to root@10.0.0.12:22: Connection refused
                  left on h2: the agent vxlabd; flannel.1
                  hint: once h2 answers again, `vxlab down lab1` finishes
                  the lab's state (/home/u/.vxlab/labs/lab1/state.json) keeps just that; everything else of the lab is removed
                """, err.toString());
    }
}
