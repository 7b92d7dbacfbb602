package dev.vxlab.orchestrator.trace;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.trace.Hop.Kind;
import dev.vxlab.orchestrator.trace.Packet.Icmp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The path of one ping, hop by hop, from what was captured and what the kernel holds: container → bridge →
 * the route → the VXLAN device → its FDB entry → the underlay, then the same in reverse on the other node, and
 * the reply back. Pure. The packets are the echo request from the source container to the destination
 * container (and its reply, with the same ICMP id and sequence number); on the underlay only VXLAN packets on the
 * lab's port count.
 *
 * <p>Where the reply did not come, the packet was lost after the last capture point that saw it: the request's
 * (or, when the request reached the container, the reply's) furthest sighting names the hop.
 */
public final class Narrative {
    /** What went into a trace: the lab's VXLAN port and VNI, both nodes' facts, the captures by node and interface. */
    public record Input(String lab, int port, int vni, NodePath src, NodePath dst, Map<String, Map<String, Tcpdump.Taken>> taken,
                        Ping ping) {
    }

    private final Input in;
    private final Map<String, Capture> captures = new LinkedHashMap<>();
    private final Map<String, String> unreadable = new LinkedHashMap<>();

    private Narrative(Input in) {
        this.in = in;
    }

    public static TraceReport build(Input in) {
        return new Narrative(in).trace();
    }

    private TraceReport trace() {
        for (NodePath n : List.of(in.src(), in.dst())) {
            for (String iface : n.captureInterfaces()) {
                decode(n.node(), iface);
            }
        }
        Ip4 from = Ip4.parse(in.src().containerIp());
        Ip4 to = Ip4.parse(in.dst().containerIp());
        Icmp first = firstEcho(from, to);
        List<Hop> request = path(in.src(), in.dst(), from, to, Icmp.ECHO_REQUEST, first);
        boolean arrived = in.ping().replied() || seenLast(request);
        List<Hop> reply = arrived || anySeen(to, from, Icmp.ECHO_REPLY, first)
                ? path(in.dst(), in.src(), to, from, Icmp.ECHO_REPLY, first) : List.of();
        String lost = null;
        List<String> suspects = List.of();
        if (!in.ping().replied()) {
            Loss l = arrived ? loss(reply, "reply", true) : loss(request, "echo request", false);
            lost = l.text();
            suspects = l.nodes();
        }
        return new TraceReport(in.lab(), in.src().node(), in.dst().node(), in.src().containerIp(), in.dst().containerIp(), in.port(), in.vni(),
                first == null ? null : first.id(), first == null ? null : first.seq(), request, reply, in.ping(), lost, suspects,
                List.of(), List.of());
    }

    private void decode(String node, String iface) {
        Tcpdump.Taken t = in.taken().getOrDefault(node, Map.of()).get(iface);
        String key = node + " " + iface;
        if (t == null || t.pcap() == null) {
            String log = t == null ? "" : t.log().strip();
            unreadable.put(key, "no capture" + (log.isEmpty() ? "" : ": " + log.lines().findFirst().orElse("")));
            return;
        }
        try {
            captures.put(key, Pcap.read(key, t.pcap(), in.port()));
        } catch (PcapException e) {
            unreadable.put(key, "capture unreadable: " + e.getMessage());
        }
    }

    /** The ICMP id and sequence of the request: as the source's bridge saw it, else wherever it was seen first. */
    private Icmp firstEcho(Ip4 from, Ip4 to) {
        List<String> order = new ArrayList<>();
        order.add(in.src().node() + " " + in.src().bridge());
        order.addAll(captures.keySet());
        for (String key : order) {
            Capture c = captures.get(key);
            if (c != null) {
                for (Packet p : c.packets()) {
                    if (matches(p, from, to, Icmp.ECHO_REQUEST, null)) {
                        return p.icmp();
                    }
                }
            }
        }
        return null;
    }

    private static boolean matches(Packet p, Ip4 from, Ip4 to, int type, Icmp echo) {
        Icmp icmp = p.icmp();
        Packet.Ipv4 ip = p.overlay() == null ? null : p.overlay().ipv4();
        return icmp != null && icmp.type() == type && ip.src().equals(from) && ip.dst().equals(to)
                && (echo == null || (icmp.id() == echo.id() && icmp.seq() == echo.seq()));
    }

    private Packet seen(String node, String iface, boolean underlay, Ip4 from, Ip4 to, int type, Icmp echo) {
        Capture c = captures.get(node + " " + iface);
        if (c == null) {
            return null;
        }
        return c.packets().stream().filter(p -> (!underlay || p.vxlan() != null) && matches(p, from, to, type, echo)).findFirst().orElse(null);
    }

    private boolean anySeen(Ip4 from, Ip4 to, int type, Icmp echo) {
        return captures.values().stream().flatMap(c -> c.packets().stream()).anyMatch(p -> matches(p, from, to, type, echo));
    }

    /** The hops from container {@code a} on node {@code s} to the container on node {@code d}. */
    private List<Hop> path(NodePath s, NodePath d, Ip4 from, Ip4 to, int type, Icmp echo) {
        List<Hop> hops = new ArrayList<>();
        String what = type == Icmp.ECHO_REQUEST ? "pings " : "answers ";
        hops.add(new Hop(1, s.node(), "container", Kind.CONTAINER, null, s.containerIp() + " (" + dash(s.containerMac()) + ") " + what + d.containerIp(), null));
        capture(hops, s, s.bridge(), false, from, to, type, echo);
        hops.add(lookup(hops, s.node(), "route", route(s, d)));
        capture(hops, s, s.vxlanDevice(), false, from, to, type, echo);
        hops.add(lookup(hops, s.node(), "fdb", fdb(s)));
        capture(hops, s, s.underlay(), true, from, to, type, echo);
        capture(hops, d, d.underlay(), true, from, to, type, echo);
        capture(hops, d, d.vxlanDevice(), false, from, to, type, echo);
        capture(hops, d, d.bridge(), false, from, to, type, echo);
        Hop last = hops.get(hops.size() - 1);
        String end = type == Icmp.ECHO_REQUEST ? (in.ping().replied() ? "received it and answered" : Boolean.TRUE.equals(last.seen())
                ? "was handed the request" : "-") : in.ping().replied() ? "got the reply (ping: " + in.ping().summary() + ")" : "-";
        hops.add(new Hop(hops.size() + 1, d.node(), "container", Kind.CONTAINER, null, d.containerIp() + " (" + dash(d.containerMac()) + ") " + end, null));
        return List.copyOf(hops);
    }

    private void capture(List<Hop> hops, NodePath n, String iface, boolean underlay, Ip4 from, Ip4 to, int type, Icmp echo) {
        String at = iface == null ? "underlay" : iface;
        String why = unreadable.get(n.node() + " " + iface);
        if (iface == null) {
            why = "no interface holds " + n.labIp();
        }
        if (why != null) {
            hops.add(new Hop(hops.size() + 1, n.node(), at, Kind.CAPTURE, false, "not seen (" + why + ")", null));
            return;
        }
        Packet p = seen(n.node(), iface, underlay, from, to, type, echo);
        hops.add(new Hop(hops.size() + 1, n.node(), at, Kind.CAPTURE, p != null, p == null ? "not seen" : p.ethernet().toString(), p));
    }

    private static Hop lookup(List<Hop> hops, String node, String at, String detail) {
        return new Hop(hops.size() + 1, node, at, Kind.LOOKUP, null, detail, null);
    }

    private static String route(NodePath s, NodePath d) {
        String get = "ip route get " + d.containerIp() + ": " + dash(s.routeGet());
        String matched = s.fibMatch() == null || s.fibMatch().startsWith("Error") || s.fibMatch().startsWith("RTNETLINK") ? ""
                : " (matched " + s.fibMatch() + ")";
        String wrong = s.routesToVxlan() ? "" : " - not through " + s.vxlanDevice() + ": the packet does not enter the overlay";
        return get + matched + wrong;
    }

    private static String fdb(NodePath s) {
        if (s.neighbourMac() == null) {
            return "no neighbour entry for " + dash(s.routeVia()) + " on " + s.vxlanDevice() + ": no inner destination MAC";
        }
        if (s.fdbDst() == null) {
            return "no FDB entry for " + s.neighbourMac() + " on " + s.vxlanDevice() + ": the kernel knows no VTEP to send it to";
        }
        return "inner dst " + s.neighbourMac() + " (neighbour " + s.routeVia() + ") -> outer dst " + s.fdbDst()
                + " (bridge fdb show dev " + s.vxlanDevice() + ")";
    }

    private static boolean seenLast(List<Hop> hops) {
        List<Hop> points = hops.stream().filter(h -> h.kind() == Kind.CAPTURE).toList();
        return !points.isEmpty() && Boolean.TRUE.equals(points.get(points.size() - 1).seen());
    }

    /** Where a packet that did not arrive was lost, and the nodes to ask doctor about (the next hop's first). */
    record Loss(String text, List<String> nodes) {
    }

    private Loss loss(List<Hop> hops, String what, boolean requestArrived) {
        List<Hop> points = hops.stream().filter(h -> h.kind() == Kind.CAPTURE).toList();
        int last = -1;
        for (int i = 0; i < points.size(); i++) {
            if (Boolean.TRUE.equals(points.get(i).seen())) {
                last = i;
            }
        }
        String prefix = requestArrived ? "the echo request reached " + in.dst().node() + "'s container; the " : "the ";
        if (last < 0) {
            Hop first = points.get(0);
            String sender = requestArrived ? in.dst().node() + "'s container did not answer" : in.src().node() + "'s container did not send it";
            return new Loss(prefix + what + " was not seen even on " + first.where() + ": " + sender, List.of(first.node()));
        }
        Hop seen = points.get(last);
        if (last == points.size() - 1) {
            return new Loss(prefix + what + " was last seen on " + seen.where() + ", the last capture point", List.of(seen.node()));
        }
        Hop next = points.get(last + 1);
        String between = hops.stream().filter(h -> h.kind() == Kind.LOOKUP && h.step() > seen.step() && h.step() < next.step()
                && (h.detail().startsWith("no ") || h.detail().contains(" - not through "))).map(h -> "; " + h.node() + " " + h.at() + ": " + h.detail())
                .findFirst().orElse("");
        List<String> nodes = next.node().equals(seen.node()) ? List.of(next.node()) : List.of(next.node(), seen.node());
        return new Loss(prefix + what + " was last seen on " + seen.where() + " (not on " + next.where() + ")" + between, nodes);
    }

    private static String dash(String s) {
        return s == null ? "none" : s;
    }
}
