package dev.vxlab.orchestrator.trace;

import java.util.List;

/**
 * A pcap file, read: where it came from, its header's facts, and its packets in file order.
 *
 * @param name      what the file is called in messages ("kube1 eth1", a path)
 * @param bigEndian the byte order of the file's headers (the writer's CPU)
 * @param nanos     timestamps in nanoseconds (magic a1b23c4d) rather than microseconds (a1b2c3d4)
 */
public record Capture(String name, boolean bigEndian, boolean nanos, int snaplen, List<Packet> packets) {
}
