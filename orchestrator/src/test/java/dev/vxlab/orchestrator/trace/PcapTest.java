package dev.vxlab.orchestrator.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.trace.Packet.Icmp;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder on captures recorded with tcpdump in the ittrace lab (see src/test/resources/trace/README.md): one
 * ping from kube1's test container (10.248.226.2) to kube2's (10.248.112.2), on docker0, flannel.1 and eth1.
 */
class PcapTest {
    static final String KUBE1_VTEP = "ee:b3:71:c8:a1:df";
    static final String KUBE2_VTEP = "56:15:e9:bd:84:04";

    @Test
    void vxlanOnTheUnderlayDecodesToTheContainersPing() {
        Capture c = Pcap.read("kube1 eth1", TraceFixtures.bytes("healthy/kube1-eth1.pcap"));
        assertFalse(c.bigEndian());
        assertFalse(c.nanos());
        assertEquals(262144, c.snaplen());
        assertEquals(2, c.packets().size());

        Packet request = c.packets().get(0);
        assertEquals(148, request.captured());
        assertEquals(148, request.wire());
        assertNull(request.cut());
        assertEquals("72:1d:55:4a:64:e4", request.ethernet().src());
        assertEquals("8a:92:46:dd:cc:a6", request.ethernet().dst());
        assertEquals(Ip4.parse("192.168.82.11"), request.ipv4().src());
        assertEquals(Ip4.parse("192.168.82.12"), request.ipv4().dst());
        assertEquals(Packet.UDP, request.ipv4().protocol());
        assertEquals(53537, request.ipv4().udp().srcPort());
        assertEquals(8472, request.ipv4().udp().dstPort());
        assertEquals(1, request.vxlan().vni());
        assertEquals(0x08, request.vxlan().flags());
        assertTrue(request.vxlan().vniValid());
        assertEquals(KUBE1_VTEP, request.overlay().src());
        assertEquals(KUBE2_VTEP, request.overlay().dst());
        assertEquals(Ip4.parse("10.248.226.2"), request.overlay().ipv4().src());
        assertEquals(Ip4.parse("10.248.112.2"), request.overlay().ipv4().dst());
        assertEquals(new Icmp(Icmp.ECHO_REQUEST, 0, 32531, 1), request.icmp());
        assertEquals("2026-12-02T17:03:58.919589Z", java.time.Instant.ofEpochSecond(0, request.epochNanos()).toString(), "as tcpdump -r printed it");

        Packet reply = c.packets().get(1);
        assertEquals(Ip4.parse("192.168.82.12"), reply.ipv4().src());
        assertEquals(8472, reply.ipv4().udp().dstPort());
        assertEquals(KUBE2_VTEP, reply.overlay().src());
        assertEquals(new Icmp(Icmp.ECHO_REPLY, 0, 32531, 1), reply.icmp());
        assertEquals("#1 72:1d:55:4a:64:e4 > 8a:92:46:dd:cc:a6 192.168.82.11:53537 > 192.168.82.12:8472 UDP, VXLAN VNI 1"
                + " (flags 0x08): ee:b3:71:c8:a1:df > 56:15:e9:bd:84:04 10.248.226.2 > 10.248.112.2 ICMP echo request id 32531 seq 1",
                request.toString());
    }

    @Test
    void aBridgeCaptureHasThePingWithoutVxlan() {
        Capture c = Pcap.read("kube1 docker0", TraceFixtures.bytes("healthy/kube1-docker0.pcap"));
        Packet request = c.packets().get(0);
        assertNull(request.vxlan());
        assertEquals("62:de:f6:21:3b:9e", request.overlay().src());
        assertEquals(Ip4.parse("10.248.226.2"), request.ipv4().src());
        assertEquals(Packet.ICMP, request.ipv4().protocol());
        assertEquals(64, request.ipv4().ttl());
        assertEquals(new Icmp(Icmp.ECHO_REQUEST, 0, 32531, 1), request.icmp());
        assertEquals(new Icmp(Icmp.ECHO_REPLY, 0, 32531, 1), c.packets().get(1).icmp());
    }

    @Test
    void vxlanIsDecodedOnlyOnTheGivenPort() {
        Capture c = Pcap.read("kube1 eth1", TraceFixtures.bytes("healthy/kube1-eth1.pcap"), 4789);
        Packet p = c.packets().get(0);
        assertEquals(8472, p.ipv4().udp().dstPort());
        assertNull(p.vxlan());
        assertNull(p.icmp());
        assertEquals(p.ethernet(), p.overlay());
    }

    @Test
    void nanosecondCapture() {
        Capture c = Pcap.read("nano", TraceFixtures.bytes("odd/nano-kube1-eth1.pcap"));
        assertTrue(c.nanos());
        assertEquals(2, c.packets().size());
        assertEquals(1, c.packets().get(0).vxlan().vni());
        assertEquals(Icmp.ECHO_REPLY, c.packets().get(1).icmp().type());
        assertNotEquals(0, c.packets().get(0).epochNanos() % 1000, "nanoseconds kept: " + c.packets().get(0).epochNanos());
    }

    @Test
    void bigEndianFileDecodesToTheSamePackets() {
        for (String f : List.of("healthy/kube1-eth1.pcap", "odd/nano-kube1-eth1.pcap")) {
            byte[] little = TraceFixtures.bytes(f);
            byte[] big = TraceFixtures.swapByteOrder(little);
            assertFalse(Arrays.equals(little, big));
            Capture l = Pcap.read(f, little);
            Capture b = Pcap.read(f, big);
            assertTrue(b.bigEndian());
            assertEquals(l.nanos(), b.nanos());
            assertEquals(l.packets(), b.packets());
            assertArrayEquals(little, TraceFixtures.swapByteOrder(big), "the swap is its own inverse");
        }
    }

    @Test
    void aShortSnapshotLengthCutsThePacketAndSaysWhere() {
        Capture c = Pcap.read("snap70", TraceFixtures.bytes("odd/snaplen70-kube1-eth1.pcap"));
        assertEquals(70, c.snaplen());
        Packet p = c.packets().get(0);
        assertEquals(70, p.captured());
        assertEquals(148, p.wire());
        assertEquals(1, p.vxlan().vni());
        assertEquals(KUBE1_VTEP, p.overlay().src());
        assertNull(p.overlay().ipv4());
        assertNull(p.icmp());
        assertEquals("inner IPv4 header cut short: needs 20 bytes, 6 captured", p.cut());
        assertTrue(p.toString().endsWith("[70 of 148 bytes captured] [inner IPv4 header cut short: needs 20 bytes, 6 captured]"), p.toString());
    }

    @Test
    void anEmptyCaptureHasNoPackets() {
        Capture c = Pcap.read("kube2 docker0", TraceFixtures.bytes("dropped/kube2-docker0.pcap"));
        assertEquals(List.of(), c.packets());
    }

    @Test
    void aFileCutMidPacketSaysWhereAndHowMuchIsMissing() {
        PcapException e = assertThrows(PcapException.class, () -> Pcap.read("kube1 eth1", TraceFixtures.bytes("odd/truncated-kube1-eth1.pcap")));
        assertEquals("kube1 eth1: pcap truncated at byte 244: packet 2 says 148 bytes, 40 remain", e.getMessage());
        e = assertThrows(PcapException.class, () -> Pcap.read("f", TraceFixtures.bytes("odd/truncated-header.pcap")));
        assertEquals("f: pcap truncated at byte 30: packet 1's header needs 16 bytes, 6 remain", e.getMessage());
        e = assertThrows(PcapException.class, () -> Pcap.read("f", Arrays.copyOf(TraceFixtures.bytes("healthy/kube1-eth1.pcap"), 10)));
        assertEquals("f: pcap truncated at byte 10: the file header needs 24 bytes, 10 remain", e.getMessage());
        e = assertThrows(PcapException.class, () -> Pcap.read("f", new byte[0]));
        assertEquals("f: pcap truncated at byte 0: the file header needs 24 bytes, 0 remain", e.getMessage());
    }

    @Test
    void somethingElseIsNamedForWhatItIs() {
        PcapException e = assertThrows(PcapException.class, () -> Pcap.read("log", TraceFixtures.bytes("odd/garbage-tcpdump-log.pcap")));
        assertEquals("log: not a pcap file: it starts with 0x74637064 (\"tcpdump: listeni\"), not the magic a1b2c3d4 or a1b23c4d"
                + " in either byte order", e.getMessage());
        byte[] pcapng = {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0};
        e = assertThrows(PcapException.class, () -> Pcap.read("ng", pcapng));
        assertTrue(e.getMessage().startsWith("ng: a pcapng file, not pcap"), e.getMessage());

        byte[] cooked = TraceFixtures.bytes("healthy/kube1-eth1.pcap");
        cooked[20] = 113;
        e = assertThrows(PcapException.class, () -> Pcap.read("any", cooked));
        assertEquals("any: link type 113 (Linux cooked, as tcpdump -i any writes it) is not read, only Ethernet (1):"
                + " capture on one interface with tcpdump -i IFACE", e.getMessage());
    }

    @Test
    void aRecordHeaderThatCannotBeOneIsCorruptNotAHugeRead() {
        byte[] b = TraceFixtures.bytes("healthy/kube1-eth1.pcap");
        b[24 + 8 + 3] = 0x7f; // packet 1's captured length, little-endian: 0x7f000094
        PcapException e = assertThrows(PcapException.class, () -> Pcap.read("f", b));
        assertEquals("f: pcap corrupt at byte 24: packet 1's header says 2130706580 bytes captured of 148 on the wire,"
                + " fraction of a second 919589 µs: not a packet record", e.getMessage());
    }

    /**
     * Every prefix of a recorded file: the whole packets it holds, or (cut mid-header or mid-packet) a PcapException; and
     * the files with bytes flipped at random: a capture or a PcapException, nothing else.
     */
    @Test
    void noInputThrowsAnythingButPcapException() {
        Random random = new Random(12);
        for (String f : List.of("healthy/kube1-eth1.pcap", "healthy/kube2-docker0.pcap", "odd/snaplen70-kube1-eth1.pcap", "odd/nano-kube1-eth1.pcap")) {
            byte[] whole = TraceFixtures.bytes(f);
            java.util.Set<Integer> ends = new java.util.HashSet<>(List.of(24));
            int end = 24;
            for (Packet p : Pcap.read(f, whole).packets()) {
                end += 16 + p.captured();
                ends.add(end);
            }
            for (int n = 0; n <= whole.length; n++) {
                byte[] prefix = Arrays.copyOf(whole, n);
                int cut = n;
                if (ends.contains(n)) {
                    assertEquals((ends.size() - 1) - (int) ends.stream().filter(e -> e > cut).count(), Pcap.read(f, prefix).packets().size());
                } else {
                    assertThrows(PcapException.class, () -> Pcap.read(f, prefix), "cut at byte " + n);
                }
            }
            for (int i = 0; i < 2000; i++) {
                byte[] b = whole.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                readsOrSaysWhy(b);
            }
        }
    }

    private static void readsOrSaysWhy(byte[] b) {
        try {
            Capture c = Pcap.read("f", b);
            c.packets().forEach(Packet::toString);
        } catch (PcapException e) {
            assertTrue(e.getMessage().startsWith("f: "), e.getMessage());
        }
    }
}
