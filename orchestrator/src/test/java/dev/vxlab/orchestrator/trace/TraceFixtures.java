package dev.vxlab.orchestrator.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The recorded captures under src/test/resources/trace/, and the byte-order swap that makes a big-endian file of one. */
final class TraceFixtures {
    private TraceFixtures() {
    }

    static String text(String name) {
        return new String(bytes(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The ittrace lab's nodes as facts.sh showed them (facts/NODE.txt). */
    static NodePath path(String node) {
        return NodePath.parse(node, dev.vxlab.core.net.Ip4.parse(node.equals("kube1") ? "192.168.82.11" : "192.168.82.12"), "flannel.1",
                text("facts/" + node + ".txt"));
    }

    /** The captures of one recording (DIR/NODE-IFACE.pcap), by node and interface, as Tcpdump.parseStop gives them. */
    static java.util.Map<String, java.util.Map<String, Tcpdump.Taken>> taken(String dir) {
        java.util.Map<String, java.util.Map<String, Tcpdump.Taken>> out = new java.util.LinkedHashMap<>();
        for (String node : java.util.List.of("kube1", "kube2")) {
            java.util.Map<String, Tcpdump.Taken> m = new java.util.LinkedHashMap<>();
            for (String iface : java.util.List.of("docker0", "flannel.1", "eth1")) {
                m.put(iface, new Tcpdump.Taken(iface, bytes(dir + "/" + node + "-" + iface + ".pcap"), "2 packets captured"));
            }
            out.put(node, m);
        }
        return out;
    }

    static byte[] bytes(String name) {
        try (InputStream in = TraceFixtures.class.getResourceAsStream("/trace/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture /trace/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same capture as a big-endian machine writes it: every header field reversed (the file header's magic,
     * version, zone, sigfigs, snaplen, link type; each record's four fields); the packets' bytes stay as they were
     * on the wire. Its own inverse.
     */
    static byte[] swapByteOrder(byte[] pcap) {
        byte[] b = pcap.clone();
        swap(b, 0, 4);
        swap(b, 4, 2);
        swap(b, 6, 2);
        for (int at = 8; at < 24; at += 4) {
            swap(b, at, 4);
        }
        boolean big = (pcap[0] & 0xff) == 0xa1;
        int at = 24;
        while (at + 16 <= b.length) {
            int len = big ? be32(pcap, at + 8) : le32(pcap, at + 8);
            for (int k = 0; k < 16; k += 4) {
                swap(b, at + k, 4);
            }
            at += 16 + len;
        }
        return b;
    }

    private static void swap(byte[] b, int at, int n) {
        for (int i = 0; i < n / 2; i++) {
            byte t = b[at + i];
            b[at + i] = b[at + n - 1 - i];
            b[at + n - 1 - i] = t;
        }
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int be32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
