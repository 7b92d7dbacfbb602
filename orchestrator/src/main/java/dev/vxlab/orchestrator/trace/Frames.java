package dev.vxlab.orchestrator.trace;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.trace.Packet.Ethernet;
import dev.vxlab.orchestrator.trace.Packet.Icmp;
import dev.vxlab.orchestrator.trace.Packet.Ipv4;
import dev.vxlab.orchestrator.trace.Packet.Udp;
import dev.vxlab.orchestrator.trace.Packet.Vxlan;

/**
 * Decodes one Ethernet frame's bytes: Ethernet → IPv4 → UDP → VXLAN (to the VXLAN port) → inner Ethernet → IPv4
 * → ICMP. Network byte order throughout, whatever the capture file's order. Never throws on a frame's content:
 * a frame is what was on the wire (or what the snapshot length kept), so decoding stops at the first layer whose
 * header is not all there and says so.
 */
final class Frames {
    static final int ETHERNET_HEADER = 14;
    static final int IPV4_MIN_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int VXLAN_HEADER = 8;
    static final int ICMP_HEADER = 8;

    private final byte[] b;
    private final int vxlanPort;
    private String cut;

    private Frames(byte[] b, int vxlanPort) {
        this.b = b;
        this.vxlanPort = vxlanPort;
    }

    /** The frame in {@code b[from, from+len)}, and why decoding stopped early (null when it did not). */
    record Decoded(Ethernet ethernet, String cut) {
    }

    static Decoded decode(byte[] b, int from, int len, int vxlanPort) {
        Frames f = new Frames(b, vxlanPort);
        Ethernet e = f.ethernet(from, from + len, "", true);
        return new Decoded(e, f.cut);
    }

    private Ethernet ethernet(int at, int end, String layer, boolean outer) {
        if (end - at < ETHERNET_HEADER) {
            return stop(layer + "Ethernet header", ETHERNET_HEADER, end - at);
        }
        int type = u16(at + 12);
        Ipv4 ip = type == Packet.IPV4 ? ipv4(at + ETHERNET_HEADER, end, layer, outer) : null;
        return new Ethernet(mac(at + 6), mac(at), type, ip);
    }

    private Ipv4 ipv4(int at, int end, String layer, boolean outer) {
        if (end - at < IPV4_MIN_HEADER) {
            return stop(layer + "IPv4 header", IPV4_MIN_HEADER, end - at);
        }
        int version = (b[at] & 0xff) >>> 4;
        int header = (b[at] & 0x0f) * 4;
        if (version != 4 || header < IPV4_MIN_HEADER) {
            cut = layer + "IPv4 header is not IPv4 (version " + version + ", header " + header + " bytes)";
            return null;
        }
        if (end - at < header) {
            return stop(layer + "IPv4 header with options", header, end - at);
        }
        int total = u16(at + 2);
        int protocol = b[at + 9] & 0xff;
        Ip4 src = ip(at + 12);
        Ip4 dst = ip(at + 16);
        int payloadEnd = Math.min(end, at + Math.max(total, header));
        boolean firstFragment = (u16(at + 6) & 0x1fff) == 0;
        Udp udp = null;
        Icmp icmp = null;
        if (firstFragment && protocol == Packet.UDP) {
            udp = udp(at + header, payloadEnd, layer, outer);
        } else if (firstFragment && protocol == Packet.ICMP) {
            icmp = icmp(at + header, payloadEnd, layer);
        }
        return new Ipv4(src, dst, protocol, b[at + 8] & 0xff, total, udp, icmp);
    }

    private Udp udp(int at, int end, String layer, boolean outer) {
        if (end - at < UDP_HEADER) {
            return stop(layer + "UDP header", UDP_HEADER, end - at);
        }
        int dstPort = u16(at + 2);
        Vxlan vxlan = outer && dstPort == vxlanPort ? vxlan(at + UDP_HEADER, end) : null;
        return new Udp(u16(at), dstPort, u16(at + 4), vxlan);
    }

    private Vxlan vxlan(int at, int end) {
        if (end - at < VXLAN_HEADER) {
            return stop("VXLAN header", VXLAN_HEADER, end - at);
        }
        int vni = ((b[at + 4] & 0xff) << 16) | ((b[at + 5] & 0xff) << 8) | (b[at + 6] & 0xff);
        Ethernet inner = ethernet(at + VXLAN_HEADER, end, "inner ", false);
        return new Vxlan(b[at] & 0xff, vni, inner);
    }

    private Icmp icmp(int at, int end, String layer) {
        if (end - at < ICMP_HEADER) {
            return stop(layer + "ICMP header", ICMP_HEADER, end - at);
        }
        return new Icmp(b[at] & 0xff, b[at + 1] & 0xff, u16(at + 4), u16(at + 6));
    }

    private <T> T stop(String what, int needs, int has) {
        cut = what + " cut short: needs " + needs + " bytes, " + Math.max(has, 0) + " captured";
        return null;
    }

    private int u16(int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private Ip4 ip(int at) {
        return Ip4.of(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
    }

    private String mac(int at) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((b[at + i] >>> 4) & 0xf, 16)).append(Character.forDigit(b[at + i] & 0xf, 16));
        }
        return sb.toString();
    }
}
