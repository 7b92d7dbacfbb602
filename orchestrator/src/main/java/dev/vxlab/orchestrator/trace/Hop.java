package dev.vxlab.orchestrator.trace;

/**
 * One step of the path: a test container, a capture point (an interface, where the packet was seen or not), or a
 * lookup the kernel makes between two of them (the route, the FDB entry), with the addresses at that point.
 *
 * @param seen   for a capture point: whether the packet was captured there; null for the others
 * @param packet for a capture point where it was seen: the decoded packet
 */
public record Hop(int step, String node, String at, Kind kind, Boolean seen, String detail, Packet packet) {

    public enum Kind { CONTAINER, CAPTURE, LOOKUP }

    /** "kube2's eth1". */
    public String where() {
        return node + "'s " + at;
    }
}
