package dev.vxlab.orchestrator.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hop narrative from the ittrace lab's recorded facts and captures (src/test/resources/trace/). */
class NarrativeTest {
    static final Ping REPLIED = new Ping(true, 0.099, "1 packets transmitted, 1 received, 0% packet loss, time 0ms");
    static final Ping LOST = new Ping(false, null, "1 packets transmitted, 0 received, 100% packet loss, time 0ms");
    static final Finding VX012 = new Finding("VX012", Severity.ERROR, List.of("kube2"), "UDP to port 8472 (VXLAN) is dropped on kube2",
            List.of(Evidence.of("kube2", "iptables-save -t filter", "-A INPUT -p udp -m udp --dport 8472 -j DROP")), "why",
            "iptables -D INPUT -p udp -m udp --dport 8472 -j DROP");
    static final Finding ELSEWHERE = new Finding("VX005", Severity.ERROR, List.of("kube3"), "no route on kube3", List.of(), "why", "fix");
    static final Finding WARNING = new Finding("VX009", Severity.WARNING, List.of("kube2"), "a warning on kube2", List.of(), "why", "fix");

    static TraceReport trace(Map<String, Map<String, Tcpdump.Taken>> taken, Ping ping) {
        return Narrative.build(new Narrative.Input("ittrace", 8472, 1, TraceFixtures.path("kube1"), TraceFixtures.path("kube2"), taken, ping));
    }

    @Test
    void theNodesFactsNameEveryAddressOnThePath() {
        NodePath k1 = TraceFixtures.path("kube1");
        assertEquals("10.248.226.2", k1.containerIp());
        assertEquals("62:de:f6:21:3b:9e", k1.containerMac());
        assertEquals("d6:09:44:31:26:0e", k1.bridgeMac());
        assertEquals("10.248.112.2 via 10.248.112.0 dev flannel.1 src 10.248.226.0 uid 0", k1.routeGet());
        assertEquals("10.248.112.0/24 via 10.248.112.0 dev flannel.1 onlink", k1.fibMatch());
        assertEquals("flannel.1", k1.routeDev());
        assertEquals("10.248.112.0", k1.routeVia());
        assertEquals("ee:b3:71:c8:a1:df", k1.vxlanMac());
        assertEquals("56:15:e9:bd:84:04", k1.neighbourMac());
        assertEquals("192.168.82.12", k1.fdbDst());
        assertEquals("eth1", k1.underlay());
        assertTrue(k1.tcpdump());
        assertEquals(List.of("docker0", "flannel.1", "eth1"), k1.captureInterfaces());
    }

    @Test
    void aHealthyPingIsSeenAtEveryHopBothWays() {
        TraceReport t = trace(TraceFixtures.taken("healthy"), REPLIED);
        assertTrue(t.replied());
        assertEquals(32531, t.icmpId());
        assertEquals(List.of("container", "docker0", "route", "flannel.1", "fdb", "eth1", "eth1", "flannel.1", "docker0", "container"),
                t.request().stream().map(Hop::at).toList());
        assertEquals(List.of("kube1", "kube1", "kube1", "kube1", "kube1", "kube1", "kube2", "kube2", "kube2", "kube2"),
                t.request().stream().map(Hop::node).toList());
        assertEquals(List.of("kube2", "kube2", "kube2", "kube2", "kube2", "kube2", "kube1", "kube1", "kube1", "kube1"),
                t.reply().stream().map(Hop::node).toList());
        for (List<Hop> hops : List.of(t.request(), t.reply())) {
            hops.stream().filter(h -> h.kind() == Hop.Kind.CAPTURE).forEach(h -> assertTrue(h.seen(), h.toString()));
        }
        Hop wire = t.request().get(5);
        assertEquals(1, wire.packet().vxlan().vni());
        assertEquals(8472, wire.packet().ipv4().udp().dstPort());
        assertEquals("inner dst 56:15:e9:bd:84:04 (neighbour 10.248.112.0) -> outer dst 192.168.82.12 (bridge fdb show dev flannel.1)",
                t.request().get(4).detail());
        assertEquals("inner dst ee:b3:71:c8:a1:df (neighbour 10.248.226.0) -> outer dst 192.168.82.11 (bridge fdb show dev flannel.1)",
                t.reply().get(4).detail());
        assertNull(t.lost());
        assertEquals("kube1 -> kube2: the reply came back in 0.099 ms", t.summary());
        assertEquals(TraceFixtures.text("healthy.expected.txt"), t.text());
        assertEquals(List.of(), t.explainedBy(List.of(VX012)).explanation(), "a trace that got its reply needs no explanation");
    }

    @Test
    void droppedOnTheDestinationsUnderlayIsNamedWithTheDoctorsRule() {
        TraceReport t = trace(TraceFixtures.taken("dropped"), LOST).explainedBy(List.of(ELSEWHERE, WARNING, VX012));
        assertFalse(t.replied());
        assertEquals(List.of(true, true, true, true, false, false),
                t.request().stream().filter(h -> h.kind() == Hop.Kind.CAPTURE).map(Hop::seen).toList());
        assertEquals(List.of(), t.reply());
        assertEquals("the echo request was last seen on kube2's eth1 (not on kube2's flannel.1)", t.lost());
        assertEquals(List.of(VX012), t.explanation());
        assertEquals("kube1 -> kube2: no reply: the echo request was last seen on kube2's eth1 (not on kube2's flannel.1);"
                + " VX012: UDP to port 8472 (VXLAN) is dropped on kube2", t.summary());
        assertTrue(t.text().contains("  VX012 fix: iptables -D INPUT -p udp -m udp --dport 8472 -j DROP\n"), t.text());
        assertTrue(t.text().contains("  8 kube2    flannel.1  -    not seen\n"), t.text());
        assertTrue(t.text().contains("\necho reply: none seen\n"), t.text());

        TraceReport unexplained = trace(TraceFixtures.taken("dropped"), LOST).explainedBy(List.of(WARNING));
        assertTrue(unexplained.summary().endsWith("; no doctor rule explains it (vxlab doctor ittrace shows all it checks)"), unexplained.summary());
        assertEquals(List.of(ELSEWHERE), trace(TraceFixtures.taken("dropped"), LOST).explainedBy(List.of(ELSEWHERE, WARNING)).explanation(),
                "no finding about the suspects: the lab's errors");
    }

    @Test
    void aCaptureThatFailedIsSaidNotGuessed() {
        Map<String, Map<String, Tcpdump.Taken>> taken = TraceFixtures.taken("dropped");
        taken.get("kube2").put("flannel.1", new Tcpdump.Taken("flannel.1", null, "tcpdump: flannel.1: No such device exists\n(SIOCGIFHWADDR: No such device)"));
        taken.get("kube2").put("eth1", new Tcpdump.Taken("eth1", new byte[] {1, 2, 3}, ""));
        TraceReport t = trace(taken, LOST);
        assertEquals("not seen (no capture: tcpdump: flannel.1: No such device exists)", t.request().get(7).detail());
        assertEquals("not seen (capture unreadable: kube2 eth1: pcap truncated at byte 3: the file header needs 24 bytes, 3 remain)",
                t.request().get(6).detail());
        assertEquals("the echo request was last seen on kube1's eth1 (not on kube2's eth1)", t.lost());
        assertEquals(List.of("kube2", "kube1"), t.suspects());
    }

    @Test
    void aRouteOutsideTheOverlayIsNamedWhereThePacketStopped() {
        String facts = TraceFixtures.text("facts/kube1.txt").replace("10.248.112.2 via 10.248.112.0 dev flannel.1 src 10.248.226.0",
                "10.248.112.2 via 10.0.2.2 dev eth0 src 10.0.2.15");
        NodePath k1 = NodePath.parse("kube1", dev.vxlab.core.net.Ip4.parse("192.168.82.11"), "flannel.1", facts);
        Map<String, Map<String, Tcpdump.Taken>> taken = TraceFixtures.taken("dropped");
        byte[] empty = TraceFixtures.bytes("dropped/kube2-docker0.pcap");
        taken.get("kube1").put("flannel.1", new Tcpdump.Taken("flannel.1", empty, ""));
        taken.get("kube1").put("eth1", new Tcpdump.Taken("eth1", empty, ""));
        taken.get("kube2").put("eth1", new Tcpdump.Taken("eth1", empty, ""));
        TraceReport t = Narrative.build(new Narrative.Input("ittrace", 8472, 1, k1, TraceFixtures.path("kube2"), taken, LOST));
        assertEquals("the echo request was last seen on kube1's docker0 (not on kube1's flannel.1); kube1 route: ip route get 10.248.112.2:"
                + " 10.248.112.2 via 10.0.2.2 dev eth0 src 10.0.2.15 uid 0 (matched 10.248.112.0/24 via 10.248.112.0 dev flannel.1 onlink)"
                + " - not through flannel.1: the packet does not enter the overlay", t.lost());
        assertEquals(List.of("kube1"), t.suspects());
    }

    @Test
    void jsonCarriesTheWireFieldsOfEveryHop() {
        TraceReport t = trace(TraceFixtures.taken("healthy"), REPLIED).withPcaps(List.of("/tmp/k/kube1-docker0.pcap", "/tmp/k/kube1-eth1.pcap", "/tmp/k/kube2-eth1.pcap"));
        Map<String, Object> j = Json.parseObject(t.json());
        assertEquals(true, j.get("replied"));
        assertEquals("tshark -r /tmp/k/kube1-eth1.pcap -d udp.port==8472,vxlan", j.get("tshark"));
        Map<?, ?> wire = (Map<?, ?>) ((Map<?, ?>) ((List<?>) j.get("request")).get(5)).get("packet");
        assertEquals(1L, ((Number) wire.get("vni")).longValue());
        assertEquals(8472L, ((Number) wire.get("udpDstPort")).longValue());
        assertEquals("192.168.82.12", wire.get("ipDst"));
        assertEquals("10.248.112.2", wire.get("innerIpDst"));
        assertEquals(0L, ((Number) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((List<?>) j.get("reply")).get(5)).get("packet")).get("icmp")).get("type")).longValue());
        assertTrue(t.text().endsWith("decode with: tshark -r /tmp/k/kube1-eth1.pcap -d udp.port==8472,vxlan\n"), t.text());
    }
}
