package dev.vxlab.orchestrator.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads classic libpcap files (what {@code tcpdump -w} writes): a 24-byte file header, then per packet a 16-byte
 * record header and the captured bytes. Both byte orders, microsecond and nanosecond timestamps; link type
 * Ethernet only (a capture on one interface; {@code tcpdump -i any} writes Linux cooked headers instead).
 * Pure: bytes in, {@link Capture} out, {@link PcapException} naming the byte offset for a file that is not
 * pcap or is cut short. What is inside each frame is {@link Frames}' business and never fails the file.
 */
public final class Pcap {
    public static final int DEFAULT_VXLAN_PORT = 8472;
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;
    static final int LINKTYPE_ETHERNET = 1;
    /** Larger than any snapshot length tcpdump takes (262144): a record saying more is garbage, not a packet. */
    static final int MAX_RECORD = 256 * 1024;

    private static final Map<Integer, String> LINK_TYPES = Map.of(0, "BSD loopback", 101, "raw IP", 105, "802.11",
            113, "Linux cooked, as tcpdump -i any writes it", 127, "802.11 radiotap", 276, "Linux cooked v2, as tcpdump -i any writes it");

    private Pcap() {
    }

    /** Reads {@code bytes} with VXLAN decoded on UDP port 8472 (flannel's, the kernel's default). */
    public static Capture read(String name, byte[] bytes) {
        return read(name, bytes, DEFAULT_VXLAN_PORT);
    }

    public static Capture read(String name, byte[] bytes, int vxlanPort) {
        if (bytes.length < 4) {
            throw new PcapException(name, "pcap truncated at byte " + bytes.length + ": the file header needs "
                    + FILE_HEADER + " bytes, " + bytes.length + " remain");
        }
        long magic = be32(bytes, 0);
        boolean big;
        boolean nanos;
        if (magic == 0xa1b2c3d4L || magic == 0xd4c3b2a1L) {
            big = magic == 0xa1b2c3d4L;
            nanos = false;
        } else if (magic == 0xa1b23c4dL || magic == 0x4d3cb2a1L) {
            big = magic == 0xa1b23c4dL;
            nanos = true;
        } else if (magic == 0x0a0d0d0aL) {
            throw new PcapException(name, "a pcapng file, not pcap: write it with tcpdump -w, or convert it with"
                    + " editcap -F pcap IN OUT");
        } else {
            throw new PcapException(name, "not a pcap file: it starts with 0x" + String.format("%08x", magic)
                    + " (\"" + printable(bytes) + "\"), not the magic a1b2c3d4 or a1b23c4d in either byte order");
        }
        if (bytes.length < FILE_HEADER) {
            throw new PcapException(name, "pcap truncated at byte " + bytes.length + ": the file header needs "
                    + FILE_HEADER + " bytes, " + bytes.length + " remain");
        }
        int snaplen = (int) u32(bytes, 16, big);
        int linkType = (int) (u32(bytes, 20, big) & 0xffff);
        if (linkType != LINKTYPE_ETHERNET) {
            String known = LINK_TYPES.get(linkType);
            throw new PcapException(name, "link type " + linkType + (known == null ? "" : " (" + known + ")")
                    + " is not read, only Ethernet (1): capture on one interface with tcpdump -i IFACE");
        }
        List<Packet> packets = new ArrayList<>();
        int at = FILE_HEADER;
        while (at < bytes.length) {
            int number = packets.size() + 1;
            int remain = bytes.length - at;
            if (remain < RECORD_HEADER) {
                throw new PcapException(name, "pcap truncated at byte " + bytes.length + ": packet " + number + "'s header needs "
                        + RECORD_HEADER + " bytes, " + remain + " remain");
            }
            long seconds = u32(bytes, at, big);
            long fraction = u32(bytes, at + 4, big);
            long captured = u32(bytes, at + 8, big);
            long wire = u32(bytes, at + 12, big);
            if (captured > MAX_RECORD || captured > wire || fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
                throw new PcapException(name, "pcap corrupt at byte " + at + ": packet " + number + "'s header says " + captured
                        + " bytes captured of " + wire + " on the wire, fraction of a second " + fraction
                        + (nanos ? " ns" : " µs") + ": not a packet record");
            }
            int data = at + RECORD_HEADER;
            if (bytes.length - data < captured) {
                throw new PcapException(name, "pcap truncated at byte " + bytes.length + ": packet " + number + " says "
                        + captured + " bytes, " + (bytes.length - data) + " remain");
            }
            Frames.Decoded d = Frames.decode(bytes, data, (int) captured, vxlanPort);
            long epochNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
            packets.add(new Packet(number, epochNanos, (int) captured, (int) wire, d.ethernet(), d.cut()));
            at = data + (int) captured;
        }
        return new Capture(name, big, nanos, snaplen, List.copyOf(packets));
    }

    private static long be32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static long u32(byte[] b, int at, boolean big) {
        if (big) {
            return be32(b, at);
        }
        return ((b[at + 3] & 0xffL) << 24) | ((b[at + 2] & 0xffL) << 16) | ((b[at + 1] & 0xffL) << 8) | (b[at] & 0xffL);
    }

    /** The file's first bytes as text, for a file that is something else (a log, an HTML error page). */
    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 16); i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }
}
