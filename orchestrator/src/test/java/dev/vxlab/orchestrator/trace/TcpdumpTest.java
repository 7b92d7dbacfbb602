package dev.vxlab.orchestrator.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpdumpTest {
    static final List<String> IFACES = List.of("docker0", "flannel.1", "eth1");

    @Test
    void capturesAreBoundedImmediateAndStoppedByTheirOwnPids() {
        String start = Tcpdump.start(IFACES, "eth1");
        assertTrue(start.contains("timeout 10 tcpdump -Z root -U --immediate-mode -n -c 20 -w \"$d/\"flannel.1.pcap -i flannel.1 icmp "), start);
        assertTrue(start.contains("-i eth1 'udp or icmp' "), start);
        assertTrue(start.contains("echo $! >\"$d/\"eth1.pid"), start);
        String stop = Tcpdump.stop("/tmp/vxlab-trace.AbC123", IFACES);
        assertTrue(stop.startsWith("d=/tmp/vxlab-trace.AbC123; for i in docker0 flannel.1 eth1; do p=$(cat \"$d/$i.pid\" 2>/dev/null) && kill -INT \"$p\""), stop);
        for (String s : List.of(start, stop)) {
            assertFalse(s.contains("pkill") || s.contains("killall"), "a netns node shares this machine's pids: " + s);
        }
        assertTrue(stop.endsWith("rm -rf \"$d\""));
    }

    @Test
    void theDirectoryIsTheStartsLastLineAndNothingElse() {
        assertEquals("/tmp/vxlab-trace.AbC123", Tcpdump.directory("docker0 listening\neth1 failed: tcpdump: eth1: No such device\n/tmp/vxlab-trace.AbC123\n"));
        assertNull(Tcpdump.directory("tcpdump is not installed"));
        assertNull(Tcpdump.directory("/tmp/vxlab-trace.x; rm -rf /"));
        assertNull(Tcpdump.directory(""));
    }

    @Test
    void stopsOutputGivesEachFileBackByteForByte() {
        byte[] eth1 = TraceFixtures.bytes("healthy/kube1-eth1.pcap");
        String out = "### docker0\n# tcpdump: flannel.1: No such device exists\n"
                + "### flannel.1\n# tcpdump: listening on flannel.1\n# 0 packets captured\n" + Base64.getEncoder().encodeToString(new byte[24]) + "\n"
                + "### eth1\n# 2 packets captured\n" + Base64.getEncoder().encodeToString(eth1) + "\n";
        Map<String, Tcpdump.Taken> t = Tcpdump.parseStop(out);
        assertEquals(IFACES, List.copyOf(t.keySet()));
        assertNull(t.get("docker0").pcap());
        assertEquals("tcpdump: flannel.1: No such device exists", t.get("docker0").log());
        assertEquals(24, t.get("flannel.1").pcap().length);
        assertEquals("tcpdump: listening on flannel.1\n0 packets captured", t.get("flannel.1").log());
        assertArrayEquals(eth1, t.get("eth1").pcap());
    }
}
