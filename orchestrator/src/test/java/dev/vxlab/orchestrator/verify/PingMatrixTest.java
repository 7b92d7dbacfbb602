package dev.vxlab.orchestrator.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeNode;
import dev.vxlab.orchestrator.fake.FakeShell;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ping matrix over hand-written nodes: one command per source node, every ordered pair read back, failed pairs named. */
class PingMatrixTest {
    final Events events = new Events();
    final FakeNode kube1 = new FakeNode("kube1", 1, events);
    final FakeNode kube2 = new FakeNode("kube2", 2, events);
    final FakeNode kube3 = new FakeNode("kube3", 3, events);

    Map<String, RemoteShell> shells() {
        Map<String, RemoteShell> m = new LinkedHashMap<>();
        m.put("kube1", kube1);
        m.put("kube2", kube2);
        m.put("kube3", kube3);
        return m;
    }

    static Map<String, String> ips() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kube1", "10.244.1.2");
        m.put("kube2", "10.244.2.2");
        m.put("kube3", "10.244.3.2");
        return m;
    }

    @Test
    void everyOrderedPairIsPingedFromItsSourceNodeAndItsRttRead() {
        PingMatrix.Result r = PingMatrix.run(shells(), ips());
        assertEquals(List.of("kube1", "kube2", "kube3"), r.nodes());
        assertEquals(List.of(), r.failed());
        assertNull(r.rtt()[0][0]);
        assertEquals(0.41, r.rtt()[0][1]);
        assertEquals(0.40, r.rtt()[2][0]);
        String fromKube1 = events.all().stream().filter(l -> l.startsWith("kube1 exec")).findFirst().orElseThrow();
        assertTrue(fromKube1.contains("10.244.2.2") && fromKube1.contains("10.244.3.2") && !fromKube1.contains("10.244.1.2"), fromKube1);
        assertEquals(1, events.all().stream().filter(l -> l.startsWith("kube1 exec")).count(), "one command per source node");
    }

    @Test
    void aPairWithoutAnswerIsNamedFromAndTo() {
        kube1.unreachable.add(2);
        kube2.unreachable.add(2);
        PingMatrix.Result r = PingMatrix.run(shells(), ips());
        assertEquals(List.of("kube1 -> kube3", "kube2 -> kube3"), r.failed());
        assertNull(r.rtt()[0][2]);
        assertEquals(0.40, r.rtt()[2][0]);
    }

    @Test
    void theTestContainerIsAtTheNodesSubnetAndAFailureNamesTheNode() {
        assertEquals("10.244.2.2", PingMatrix.ensureContainer(kube2, "kube2"));
        kube3.on("vxtest0", FakeShell.fail("subnet.env: No such file"));
        VxlabException e = assertThrows(VxlabException.class, () -> PingMatrix.ensureContainer(kube3, "kube3"));
        assertEquals("cannot set up the test container on kube3: subnet.env: No such file", e.getMessage());
    }

    @Test
    void mtuChecksPerTargetFromOneSourcesOutput() {
        List<PingMatrix.MtuCheck> c = PingMatrix.parseMtu(List.of("kube1", "kube2", "kube3"), 0,
                "payload 1422\nfit 1 0\nover 1 refused\nfit 2 0\nover 2 sent\n");
        assertEquals(List.of(new PingMatrix.MtuCheck("kube1", "kube2", 1422, true, true),
                new PingMatrix.MtuCheck("kube1", "kube3", 1422, true, false)), c);
        assertTrue(c.get(0).ok());
        assertTrue(c.get(1).problem().startsWith("1423-byte don't-fragment pings leave the container"), c.get(1).problem());
        PingMatrix.MtuCheck lost = PingMatrix.parseMtu(List.of("kube1", "kube2"), 1, "payload 1422\nfit 0 1\nover 0 refused\n").get(0);
        assertTrue(lost.problem().contains("do not cross"), lost.problem());
        assertTrue(!PingMatrix.parseMtu(List.of("kube1", "kube2"), 0, "").get(0).ok(), "no answer is no pass");
    }
}
