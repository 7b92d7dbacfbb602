package dev.vxlab.orchestrator.trace;

import dev.vxlab.core.net.Ip4;

/**
 * One captured frame, decoded as far as its bytes go: Ethernet, then IPv4, then UDP and (to the VXLAN port) VXLAN
 * with the inner Ethernet frame, or ICMP. A layer that is absent or not decoded is null; {@code cut} says why
 * decoding stopped early when the bytes ran out (a short snapshot length), else null.
 *
 * @param number      1-based position in the capture file
 * @param epochNanos  capture time, nanoseconds since 1970 (microsecond files: a multiple of 1000)
 * @param captured    bytes in the file
 * @param wire        bytes on the wire
 */
public record Packet(int number, long epochNanos, int captured, int wire, Ethernet ethernet, String cut) {

    public static final int IPV4 = 0x0800;
    public static final int UDP = 17;
    public static final int ICMP = 1;

    /** An Ethernet frame; {@code ipv4} null unless the EtherType is IPv4 and its header was captured. */
    public record Ethernet(String src, String dst, int etherType, Ipv4 ipv4) {
        @Override
        public String toString() {
            String head = src + " > " + dst;
            return ipv4 == null ? head + " ethertype 0x" + String.format("%04x", etherType) : head + " " + ipv4;
        }
    }

    /** An IPv4 header and, when decoded, its UDP or ICMP payload. */
    public record Ipv4(Ip4 src, Ip4 dst, int protocol, int ttl, int totalLength, Udp udp, Icmp icmp) {
        @Override
        public String toString() {
            if (udp != null) {
                return src + ":" + udp.srcPort() + " > " + dst + ":" + udp.dstPort() + " " + udp;
            }
            return src + " > " + dst + (icmp != null ? " " + icmp : " protocol " + protocol);
        }
    }

    /** A UDP header; {@code vxlan} set when the destination port is the VXLAN port and its header was captured. */
    public record Udp(int srcPort, int dstPort, int length, Vxlan vxlan) {
        @Override
        public String toString() {
            return "UDP" + (vxlan == null ? " length " + length : ", " + vxlan);
        }
    }

    /** A VXLAN header (RFC 7348): flags (0x08: the VNI is valid), the 24-bit VNI, and the inner frame if captured. */
    public record Vxlan(int flags, int vni, Ethernet inner) {
        public boolean vniValid() {
            return (flags & 0x08) != 0;
        }

        @Override
        public String toString() {
            return "VXLAN VNI " + vni + " (flags 0x" + String.format("%02x", flags) + ")" + (inner == null ? "" : ": " + inner);
        }
    }

    /** An ICMP header: type and code, and for echo request (8) and reply (0) the identifier and sequence number. */
    public record Icmp(int type, int code, int id, int seq) {
        public static final int ECHO_REPLY = 0;
        public static final int ECHO_REQUEST = 8;

        public boolean echo() {
            return type == ECHO_REQUEST || type == ECHO_REPLY;
        }

        @Override
        public String toString() {
            return switch (type) {
                case ECHO_REQUEST -> "ICMP echo request id " + id + " seq " + seq;
                case ECHO_REPLY -> "ICMP echo reply id " + id + " seq " + seq;
                case 3 -> "ICMP destination unreachable code " + code;
                case 11 -> "ICMP time exceeded code " + code;
                default -> "ICMP type " + type + " code " + code;
            };
        }
    }

    public Ipv4 ipv4() {
        return ethernet == null ? null : ethernet.ipv4();
    }

    public Vxlan vxlan() {
        Ipv4 ip = ipv4();
        return ip == null || ip.udp() == null ? null : ip.udp().vxlan();
    }

    /** The frame the containers sent: the inner one of a VXLAN packet, else the frame itself. */
    public Ethernet overlay() {
        Vxlan v = vxlan();
        return v != null ? v.inner() : ethernet;
    }

    /** The ICMP message the containers exchanged (inside VXLAN or not), or null. */
    public Icmp icmp() {
        Ethernet o = overlay();
        return o == null || o.ipv4() == null ? null : o.ipv4().icmp();
    }

    @Override
    public String toString() {
        String s = "#" + number + " " + ethernet;
        if (captured < wire) {
            s += " [" + captured + " of " + wire + " bytes captured]";
        }
        return cut == null ? s : s + " [" + cut + "]";
    }
}
