package dev.vxlab.agent.iproute2;

import dev.vxlab.agent.kernel.KernelException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BatchProcess}: the per-command sentinel protocol over iproute2's real output (fixtures), and the
 * process handling (numbering across batches, a command that ends the tool, a tool that hangs) against
 * {@link FakeBatchTool}.
 */
class BatchProcessTest {
    static final String S = BatchProcess.SENTINEL;

    static List<String> lines(String fixture) {
        return Arrays.asList(IpRoute2ExecutorTest.fixture(fixture).split("\n"));
    }

    // ---- Progress over real output ----

    @Test
    void twoBatchesOfOneIpProcessTheSecondEndedByAFailedNeighbourDelete() {
        // lines 1-6: route del (absent), neigh replace, route del (absent), each followed by the sentinel;
        // lines 7-12: route replace, neigh del (absent: ip exits 2), route del — never read
        List<String> out = lines("ip-batch-coprocess.txt");
        BatchProcess.Progress first = new BatchProcess.Progress(0, 3);
        int k = 0;
        while (!first.done()) {
            first.accept(out.get(k++));
        }
        assertEquals(Arrays.asList("RTNETLINK answers: No such process", null, "RTNETLINK answers: No such process"), first.outcomes);

        BatchProcess.Progress second = new BatchProcess.Progress(6, 3);
        while (k < out.size()) {
            second.accept(out.get(k++));
        }
        assertFalse(second.done());
        assertEquals(Arrays.asList((String) null), second.outcomes, "route replace confirmed; neigh del was running when ip ended");
        assertEquals(": RTNETLINK answers: No such file or directory", second.lastError());
    }

    @Test
    void aBridgeBatch() {
        BatchProcess.Progress p = new BatchProcess.Progress(0, 2);
        lines("bridge-batch-coprocess.txt").forEach(p::accept);
        assertTrue(p.done());
        assertEquals(Arrays.asList("RTNETLINK answers: No such file or directory", null), p.outcomes);
    }

    @Test
    void aFailureLineOfAnotherBatchOrTheSentinelsOwnMessageIsNoError() {
        BatchProcess.Progress p = new BatchProcess.Progress(10, 1);
        p.accept("Command failed -:3");
        p.accept("Object \"" + S + "\" is unknown, try \"ip help\".");
        p.accept("Command failed -:12");
        assertEquals(Arrays.asList((String) null), p.outcomes);
    }

    // ---- the process ----

    final FakeBatchTool tool = new FakeBatchTool();
    final BatchProcess batch = new BatchProcess(List.of("ip", "-force", "-batch", "-"), tool, Duration.ofSeconds(5));

    @Test
    void oneProcessServesEveryBatchWithEachCommandFollowedByTheSentinel() {
        tool.fails.put("route del 10.244.9.0/24", "RTNETLINK answers: No such process");

        assertEquals(Arrays.asList(null, null), batch.run(List.of("neigh replace 10.244.2.0", "route replace 10.244.2.0/24")));
        assertEquals(Arrays.asList(null, "RTNETLINK answers: No such process", null),
                batch.run(List.of("neigh replace 10.244.3.0", "route del 10.244.9.0/24", "route replace 10.244.3.0/24")));

        assertEquals(1, tool.processes.size(), "no process per batch");
        assertEquals(List.of("neigh replace 10.244.2.0", S, "route replace 10.244.2.0/24", S,
                "neigh replace 10.244.3.0", S, "route del 10.244.9.0/24", S, "route replace 10.244.3.0/24", S), tool.processes.get(0));
        batch.close();
    }

    @Test
    void aCommandThatEndsTheToolIsReportedAndTheRestStillTriedOnAFreshProcess() {
        tool.exits.put("neigh del 10.244.7.0", "RTNETLINK answers: No such file or directory");
        tool.fails.put("route del 10.244.6.0/24", "RTNETLINK answers: No such process");

        List<String> r = batch.run(List.of("route replace 10.244.2.0/24", "neigh del 10.244.7.0", "route del 10.244.6.0/24",
                "neigh del 10.244.5.0"));

        assertEquals(Arrays.asList(null, "ip exited with code 2: RTNETLINK answers: No such file or directory",
                "RTNETLINK answers: No such process", null), r);
        assertEquals(2, tool.processes.size());
        assertEquals(List.of("route del 10.244.6.0/24", S, "neigh del 10.244.5.0", S), tool.processes.get(1),
                "the fresh process numbers its lines from 1 again and gets only what was not run");

        assertEquals(Arrays.asList((String) null), batch.run(List.of("route replace 10.244.4.0/24")));
        assertEquals(2, tool.processes.size(), "the fresh process stays");
        batch.close();
    }

    @Test
    void twoToolsSubmittedBeforeEitherIsReadBothAnswerAndAToolThatDiesMidBatchStillHasItsRestTried() {
        FakeBatchTool bridgeTool = new FakeBatchTool();
        BatchProcess bridge = new BatchProcess(List.of("bridge", "-force", "-batch", "-"), bridgeTool, Duration.ofSeconds(5));
        tool.exits.put("neigh del 10.244.7.0", "RTNETLINK answers: No such file or directory");

        BatchProcess.Pending b = bridge.submit(List.of("fdb replace 02:00:00:00:00:02 dev flannel.1 dst 192.168.56.12"));
        BatchProcess.Pending i = batch.submit(List.of("neigh del 10.244.7.0", "route replace 10.244.2.0/24"));
        // the fake tool's own thread reads its stdin: give it the moment it needs to take what submit wrote
        List<String> written = bridgeTool.processes.get(0);
        for (long end = System.nanoTime() + 5_000_000_000L; written.size() < 2 && System.nanoTime() < end; ) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(List.of("fdb replace 02:00:00:00:00:02 dev flannel.1 dst 192.168.56.12", S), written,
                "written before anything was read");
        assertEquals(Arrays.asList((String) null), bridge.finish(b));
        assertEquals(Arrays.asList("ip exited with code 2: RTNETLINK answers: No such file or directory", null), batch.finish(i));
        assertEquals(List.of("route replace 10.244.2.0/24", S), tool.processes.get(1), "the rest, on a fresh process");

        assertEquals(List.of(), batch.finish(batch.submit(List.of())));
        assertEquals(2, tool.processes.size(), "an empty batch starts nothing");
        bridge.close();
        batch.close();
    }

    @Test
    void aLargeBatchWhoseEveryCommandFailsDoesNotFillBothPipes() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String c = "route del 10." + (i / 250) + "." + (i % 250) + ".0/24 via 10.244.9.0 dev flannel.1";
            tool.fails.put(c, "RTNETLINK answers: No such process");
            many.add(c);
        }

        List<String> r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> batch.run(many));

        assertEquals(2000, r.size());
        assertTrue(r.stream().allMatch("RTNETLINK answers: No such process"::equals));
        assertEquals(1, tool.processes.size());
        batch.close();
    }

    @Test
    void aToolThatDiedWhileIdleIsStartedAgain() {
        tool.exits.put("link del flannel.1", "bye");
        batch.run(List.of("link del flannel.1"));
        assertEquals(Arrays.asList((String) null), batch.run(List.of("route replace 10.244.4.0/24")));
        assertEquals(2, tool.processes.size());
        batch.close();
    }

    @Test
    void aToolThatStopsAnsweringFailsTheRestWithoutFeedingIt() {
        BatchProcess quick = new BatchProcess(List.of("ip"), tool, Duration.ofMillis(300));

        List<String> r = quick.run(List.of("route replace 10.244.2.0/24", "hang", "route replace 10.244.3.0/24"));

        assertEquals(Arrays.asList(null, "no answer from ip within 300 ms", "no answer from ip within 300 ms"), r);
        assertEquals(Arrays.asList((String) null), quick.run(List.of("route replace 10.244.3.0/24")), "a fresh process next time");
        assertEquals(2, tool.processes.size());
        quick.close();
    }

    @Test
    void aToolThatCannotStartIsAKernelException() {
        BatchProcess missing = new BatchProcess(List.of("ip"), cmd -> {
            throw new IOException("Cannot run program \"ip\": error=2, No such file or directory");
        }, Duration.ofSeconds(1));
        KernelException e = assertThrows(KernelException.class, () -> missing.run(List.of("route replace 10.244.2.0/24")));
        assertEquals("install iproute2 (apt-get install iproute2)", e.hint());
    }

    @Test
    void aCommandMustBeOneLine() {
        List<String> bad = new ArrayList<>(List.of("route replace 10.244.2.0/24 \\", "route del 10.244.2.0/24\nlink del x"));
        for (String c : bad) {
            assertThrows(IllegalArgumentException.class, () -> batch.run(List.of(c)));
        }
        assertEquals(0, tool.processes.size());
    }

    @Test
    void failedLineIsReadOnlyFromIproute2sExactWording() {
        assertEquals(12, BatchProcess.Progress.failedLine("Command failed -:12"));
        assertEquals(7, BatchProcess.Progress.failedLine("Command failed -:7  \t"));
        assertEquals(-1, BatchProcess.Progress.failedLine("Command failed -:"));
        assertEquals(-1, BatchProcess.Progress.failedLine("Command failed -:1x"));
        assertEquals(-1, BatchProcess.Progress.failedLine(" Command failed -:3"));
        assertEquals(-1, BatchProcess.Progress.failedLine("RTNETLINK answers: File exists"));
        assertEquals(-1, BatchProcess.Progress.failedLine("Command failed -:99999999999999999999999"));
    }
}
