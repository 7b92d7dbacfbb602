package dev.vxlab.orchestrator.trace;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.FactsParser;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's part of the path, from {@code trace/facts.sh}'s output: its test container (address, MAC), the
 * bridge, the route that the kernel picks for the other container ({@code ip route get}) and the entry it matched
 * ({@code ip route get fibmatch}), the VXLAN device with the neighbour (gateway → inner destination MAC) and FDB
 * entry (that MAC → outer destination IP) it uses, and the underlay interface (the one holding the node's lab
 * address). Absent facts are null: the narrative says "none" where the kernel has nothing.
 */
public record NodePath(String node, Ip4 labIp, String containerIp, String containerMac, String bridge, String bridgeMac,
                       String routeGet, String fibMatch, String routeDev, String routeVia, String vxlanDevice, String vxlanMac,
                       String neighbourMac, String fdbDst, String underlay, String underlayMac, boolean tcpdump) {

    public static final String BRIDGE = "docker0";
    private static final Pattern DEV = Pattern.compile("\\bdev (\\S+)");
    private static final Pattern VIA = Pattern.compile("\\bvia (\\S+)");

    /** {@code output} of facts.sh on {@code node}, run for {@code vxlanDevice}. */
    public static NodePath parse(String node, Ip4 labIp, String vxlanDevice, String output) {
        NodeFacts f = FactsParser.parse(node, output);
        String routeGet = firstLine(f.sections().get("routeget"));
        String fibMatch = firstLine(f.sections().get("fibmatch"));
        String dev = routeGet == null ? null : group(DEV, routeGet);
        String via = routeGet == null ? null : group(VIA, routeGet);
        String neighbourMac = via == null ? null : f.neighbours().stream().filter(n -> via.equals(n.dst())).map(NodeFacts.Neigh::lladdr)
                .findFirst().orElse(null);
        String fdbDst = neighbourMac == null ? null : f.fdb().stream().filter(e -> neighbourMac.equals(e.mac())).map(NodeFacts.Fdb::dst)
                .findFirst().orElse(null);
        Optional<NodeFacts.Link> container = f.container().stream().filter(l -> "eth0".equals(l.name())).findFirst();
        Optional<NodeFacts.Link> underlay = f.links().stream()
                .filter(l -> l.addresses().stream().map(Ip4Net::ip).anyMatch(labIp::equals)).findFirst();
        String tcpdump = firstLine(f.sections().get("tcpdump"));
        return new NodePath(node, labIp,
                container.flatMap(l -> l.addresses().stream().findFirst()).map(a -> a.ip().toString()).orElse(null),
                container.map(NodeFacts.Link::mac).orElse(null),
                BRIDGE, f.link(BRIDGE).map(NodeFacts.Link::mac).orElse(null),
                routeGet, fibMatch, dev, via, vxlanDevice, f.link(vxlanDevice).map(NodeFacts.Link::mac).orElse(null),
                neighbourMac, fdbDst, underlay.map(NodeFacts.Link::name).orElse(null), underlay.map(NodeFacts.Link::mac).orElse(null),
                tcpdump != null && tcpdump.startsWith("/"));
    }

    /** The interfaces to capture on, in the order a packet leaving the container crosses them. */
    public List<String> captureInterfaces() {
        return underlay == null ? List.of(bridge, vxlanDevice) : List.of(bridge, vxlanDevice, underlay);
    }

    /** Whether the route to the other container leaves through the VXLAN device. */
    public boolean routesToVxlan() {
        return vxlanDevice.equals(routeDev);
    }

    private static String firstLine(String section) {
        if (section == null) {
            return null;
        }
        return section.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
    }

    private static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }
}
