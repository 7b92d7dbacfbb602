package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.provider.netns.NetnsNames;
import dev.vxlab.orchestrator.trace.Capture;
import dev.vxlab.orchestrator.trace.Pcap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `vxlab trace` for real, as root, in a lab of its own (it/trace-lab.yaml: ittrace, underlay 192.168.86.0/24):
 * on the healthy lab the ping is seen with VNI 1 and port 8472 on both underlays and its reply comes back, the
 * kept pcaps decode; with UDP 8472 dropped on kube2 the trace names where the request stopped and VX012; down
 * leaves no namespace, link, route, capture directory or tcpdump behind.
 */
class TraceIT {
    static final String LAB = "ittrace";
    static Path state;
    static String previous;

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-trace-state-");
        previous = System.getProperty("vxlab.state.home");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        LabUpIT.run("down", LAB);
        Lab.deleteTree(state);
        if (previous == null) {
            System.clearProperty("vxlab.state.home");
        } else {
            System.setProperty("vxlab.state.home", previous);
        }
    }

    /** This lab's objects only (others may come and go meanwhile): its namespaces, its root link, routes to its underlay. */
    static List<String> leftovers(String before) {
        java.util.Set<String> was = new java.util.HashSet<>(before.lines().toList());
        String link = new NetnsNames(LAB).rootLink();
        return LabUpIT.ipState().lines().filter(l -> !was.contains(l))
                .filter(l -> l.contains("vx-" + LAB + "-") || l.contains(link) || l.contains("192.168.86.")).toList();
    }

    static List<String> captureDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vxlab-trace.")).sorted().toList();
        }
    }

    @Test
    void tracesTheHealthyPingThenNamesWhereTheDroppedOneStoppedAndDownLeavesNothing() throws IOException {
        String before = LabUpIT.ipState();
        List<String> dirsBefore = captureDirs();
        LabUpIT.Run up = LabUpIT.run("up", LabUpIT.spec("trace-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());

        Path keep = state.resolve("pcaps");
        LabUpIT.Run healthy = LabUpIT.run("trace", LAB, "kube1", "kube2", "--json", "--keep-pcap", keep.toString());
        assertEquals(0, healthy.code(), healthy.out() + healthy.err());
        Map<String, Object> t = Json.parseObject(healthy.out().trim());
        assertEquals(true, t.get("replied"), healthy.out());
        for (String direction : List.of("request", "reply")) {
            List<?> hops = (List<?>) t.get(direction);
            List<?> wire = hops.stream().map(h -> (Map<?, ?>) h).filter(h -> "eth1".equals(h.get("at"))).toList();
            assertEquals(2, wire.size(), direction + " crosses both underlays: " + hops);
            for (Object h : wire) {
                Map<?, ?> packet = (Map<?, ?>) ((Map<?, ?>) h).get("packet");
                assertEquals(1L, ((Number) packet.get("vni")).longValue(), h.toString());
                assertEquals(8472L, ((Number) packet.get("udpDstPort")).longValue(), h.toString());
            }
            assertTrue(hops.stream().map(h -> (Map<?, ?>) h).filter(h -> "capture".equals(h.get("kind"))).allMatch(h -> Boolean.TRUE.equals(h.get("seen"))),
                    direction + ": " + hops);
        }
        Path eth1 = keep.resolve("kube1-eth1.pcap");
        assertEquals("tshark -r " + eth1 + " -d udp.port==8472,vxlan", t.get("tshark"));
        Capture kept = Pcap.read(eth1.toString(), Files.readAllBytes(eth1));
        assertTrue(kept.packets().stream().anyMatch(p -> p.vxlan() != null && p.vxlan().vni() == 1), kept.toString());
        assertEquals(6, ((List<?>) t.get("pcaps")).size());

        assertEquals(0, LabUpIT.run("ssh", LAB, "kube2", "--", "iptables -I INPUT -p udp --dport 8472 -j DROP").code());
        LabUpIT.Run dropped = LabUpIT.run("trace", LAB, "kube1", "kube2");
        assertEquals(1, dropped.code(), dropped.out() + dropped.err());
        assertTrue(dropped.out().contains("result: kube1 -> kube2: no reply: the echo request was last seen on kube2's eth1"
                + " (not on kube2's flannel.1); VX012: UDP to port 8472 (VXLAN) is dropped on kube2\n"), dropped.out());
        assertTrue(dropped.out().contains("VX012 fix: iptables -D INPUT -p udp -m udp --dport 8472 -j DROP"), dropped.out());

        LabUpIT.Run down = LabUpIT.run("down", LAB);
        assertEquals(0, down.code(), down.err());
        assertFalse(Files.exists(state.resolve("labs").resolve(LAB)), "lab state removed");
        assertEquals(List.of(), leftovers(before), "down leaves namespaces, links and routes as they were");
        assertEquals(dirsBefore, captureDirs(), "every capture directory removed");
        assertEquals("", LabUpIT.run0("pgrep", "-f", "tcpdump .*-w /tmp/vxlab-trace\\.").trim(), "no capture left running");
    }
}
