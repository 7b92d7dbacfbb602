package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.spec.LabSpec.Backend;
import java.util.List;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code network:} (the overlay flannel allocates subnets from) and {@code underlay:} (the host-only network the
 * nodes and the host share), read together because their rules cross: the overlay must leave room for four
 * subnets, the underlay for the host and a node, neither may overlap the other or, with {@code nat: true}, the
 * NAT network every node's eth0 sits on; and the host's address must be a usable address of the underlay.
 *
 * <p>An overlap is reported at a network the user wrote: at network.cidr when it was given, else at
 * underlay.cidr with network.cidr named as the default, so that the line shown is one the user can change.
 */
final class NetworkSection {
    static final List<String> NETWORK_KEYS = List.of("cidr", "subnetLen", "backend", "vni", "port", "directRouting");
    static final List<String> UNDERLAY_KEYS = List.of("cidr", "hostIp", "nat");

    private static final Backend DEFAULT_BACKEND = Choice.of(Backend.class, SpecDefaults.BACKEND).orElseThrow();

    private final Val<Ip4Net> cidr;
    private final Integer subnetLen;
    private final Val<Backend> backend;
    private final Val<Integer> vni;
    private final Val<Integer> port;
    private final Val<Boolean> directRouting;
    private final Val<Ip4Net> underlayCidr;
    private final Val<Ip4> hostIp;
    private final Val<Boolean> nat;

    private NetworkSection(Section top, Values values) {
        Problems problems = values.problems();
        Section net = top.section("network", NETWORK_KEYS);
        cidr = net.field("cidr", SpecDefaults.NETWORK_CIDR, values.cidr("10.244.0.0/16"));
        Val<Integer> subnetLenGiven = net.field("subnetLen", null, subnetLenReader(values));
        backend = net.field("backend", DEFAULT_BACKEND, values.choice(Backend.class));
        vni = net.field("vni", SpecDefaults.VNI, values.intIn("a VXLAN network identifier (VNI), a whole number from 1 to 16777215",
                1, 0xFFFFFF, "%s is out of range: a VXLAN network identifier (VNI) is 1 to 16777215"));
        port = net.field("port", SpecDefaults.PORT, values.intIn("a UDP port, a whole number from 1 to 65535",
                1, 65535, "%s is not a UDP port: use 1 to 65535 (flannel's VXLAN port is 8472)"));
        directRouting = net.field("directRouting", SpecDefaults.DIRECT_ROUTING, values::bool);
        subnetLen = subnetLen(cidr, subnetLenGiven, problems);

        Section under = top.section("underlay", UNDERLAY_KEYS);
        underlayCidr = underlayCidr(under.field("cidr", SpecDefaults.UNDERLAY_CIDR, values.cidr("192.168.56.0/24")), problems);
        hostIp = hostIp(under.field("hostIp", null, values::ip), underlayCidr, problems);
        nat = under.field("nat", SpecDefaults.NAT, values::bool);
        overlaps(cidr, underlayCidr, nat, problems);
    }

    static NetworkSection read(Section top, Values values) {
        return new NetworkSection(top, values);
    }

    /** underlay.cidr, or null when it (or its section) was wrong. */
    Val<Ip4Net> underlayCidr() {
        return underlayCidr;
    }

    /** underlay.hostIp as given or defaulted, or null when wrong. */
    Val<Ip4> hostIp() {
        return hostIp;
    }

    /** Only when nothing was recorded. */
    LabSpec.Network network() {
        return new LabSpec.Network(cidr.value(), subnetLen, backend.value().word(), vni.value(), port.value(), directRouting.value());
    }

    /** Only when nothing was recorded. */
    LabSpec.Underlay underlay() {
        return new LabSpec.Underlay(underlayCidr.value(), hostIp.value(), nat.value());
    }

    /** Why {@code ip} cannot be a machine's address on {@code underlay} (outside it, its network or broadcast address), or null. */
    static String hostAddressProblem(Val<Ip4> ip, Ip4Net underlay) {
        String text = Describe.quote(ip.text());
        String range = "use an address from " + underlay.network().plus(1) + " to " + underlay.last().plus(-1);
        if (!underlay.contains(ip.value())) {
            return text + " is outside underlay.cidr " + underlay;
        }
        if (ip.value().equals(underlay.network())) {
            return text + " is the network address of underlay.cidr " + underlay + "; " + range;
        }
        if (ip.value().equals(underlay.last())) {
            return text + " is the broadcast address of underlay.cidr " + underlay + "; " + range;
        }
        return null;
    }

    private static Reader<Integer> subnetLenReader(Values values) {
        Problems problems = values.problems();
        return (n, path) -> {
            Long value = values.integer(n, path, "a prefix length such as 24");
            if (value == null) {
                return null;
            }
            String text = ((ScalarNode) n).getValue();
            if (value > 30) {
                problems.at(n, path, text + " is too long: flannel allows subnetLen up to 30");
                return null;
            }
            if (value < 1) {
                problems.at(n, path, text + " is not a prefix length: flannel takes subnetLen from network.cidr's prefix + 2 up to 30");
                return null;
            }
            return value.intValue();
        };
    }

    /** network.subnetLen as given or defaulted as flannel does, or null when it cannot hold four subnets (or was wrong). */
    private static Integer subnetLen(Val<Ip4Net> cidr, Val<Integer> given, Problems problems) {
        if (cidr == null) {
            return null;
        }
        Ip4Net network = cidr.value();
        if (network.prefixLen() > 28) {
            problems.at(cidr.node(), "network.cidr", network + " is too small: flannel needs room for at least four subnets"
                    + " of /30 or wider, so the prefix must be /28 or shorter");
            return null;
        }
        if (given == null) {
            return null;
        }
        if (given.value() == null) {
            return SpecDefaults.subnetLen(network);
        }
        int min = network.prefixLen() + 2;
        if (given.value() < min) {
            problems.at(given.node(), "network.subnetLen", given.value() + " is too short for network.cidr " + network
                    + ": flannel needs subnetLen " + min + " or more (the prefix + 2)"
                    + " so that the network holds at least four subnets");
            return null;
        }
        return given.value();
    }

    private static Val<Ip4Net> underlayCidr(Val<Ip4Net> given, Problems problems) {
        if (given != null && given.value().prefixLen() > 30) {
            problems.at(given.node(), "underlay.cidr", given.value() + " is too small: it must hold the host's address"
                    + " and the nodes' (use a /30 or wider, such as 192.168.56.0/24)");
            return null;
        }
        return given;
    }

    private static Val<Ip4> hostIp(Val<Ip4> given, Val<Ip4Net> underlay, Problems problems) {
        if (given == null || underlay == null) {
            return null;
        }
        Ip4Net net = underlay.value();
        if (given.value() == null) {
            return Val.fallback(SpecDefaults.hostIp(net));
        }
        String problem = hostAddressProblem(given, net);
        if (problem != null) {
            problems.at(given.node(), "underlay.hostIp", problem);
            return null;
        }
        return given;
    }

    private static void overlaps(Val<Ip4Net> network, Val<Ip4Net> underlay, Val<Boolean> nat, Problems problems) {
        if (network != null && underlay != null && network.value().overlaps(underlay.value())) {
            if (network.given()) {
                problems.at(network.node(), "network.cidr", network.value() + " overlaps underlay.cidr " + underlay.value()
                        + "; the overlay and the underlay must be separate networks");
            } else {
                problems.at(underlay.node(), "underlay.cidr", underlay.value() + " overlaps network.cidr " + network.value()
                        + " (the default); the overlay and the underlay must be separate networks");
            }
        }
        if (nat != null && nat.value()) {
            natOverlap(network, "network.cidr", problems);
            natOverlap(underlay, "underlay.cidr", problems);
        }
    }

    private static void natOverlap(Val<Ip4Net> given, String path, Problems problems) {
        Ip4Net natNet = SpecDefaults.NAT_NETWORK;
        if (given != null && given.given() && given.value().overlaps(natNet)) {
            problems.at(given.node(), path, given.value() + " overlaps " + natNet + ", the NAT network of every node's eth0"
                    + " (underlay.nat: true); pick another range or set underlay.nat: false");
        }
    }
}
