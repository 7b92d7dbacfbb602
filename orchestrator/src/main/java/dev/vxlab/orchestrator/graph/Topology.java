package dev.vxlab.orchestrator.graph;

import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.EtcdFacts;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecDefaults;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What {@code vxlab graph} draws: the lab's nodes (hostname, eth0 and eth1 addresses, subnet, VTEP MAC, agent),
 * the underlay with this machine on it, the NAT network every eth0 leads to, the overlay, and etcd with where it
 * runs. Every value is text as it is shown, so that the drawing ({@link Dot}) only lays it out.
 *
 * <p>Two sources. {@link #planned}: a spec that is not up, every address from the spec and no subnet leased
 * yet. {@link #live}: the facts the doctor gathers from a lab that is up (each node's links and agent, etcd's
 * leases): addresses as the nodes hold them and subnets as etcd holds them. Pure: no shell, no etcd here.
 */
public record Topology(String lab, String source, boolean live, Overlay overlay, Underlay underlay, Nat nat, Etcd etcd,
                       List<Node> nodes) {

    /** Shown for a subnet of a spec that is not up. */
    public static final String NOT_LEASED = "not leased yet";

    /** The overlay: its network, the prefix of each node's subnet, and the backend ("vxlan VNI 1, UDP 8472"). */
    public record Overlay(String network, int subnetLen, String backend) {
    }

    /** The host-only network of every node's eth1, and this machine's address on it. */
    public record Underlay(String cidr, String hostIp) {
    }

    /** The Vagrant-style NAT network every node's eth0 sits on (null in a topology without NAT). */
    public record Nat(String cidr, String eth0) {
    }

    /** Where etcd runs: on this machine, on one of the lab's nodes, or somewhere the spec only points to. */
    public enum Place { THIS_MACHINE, NODE, EXTERNAL }

    /**
     * etcd: its mode (the spec's word), where it runs ({@code on}: the nodes of its members, for {@link Place#NODE}),
     * its endpoints as text, its key prefix, and {@code read}: null when planned, else what reading it gave ("3 leases", "not
     * readable: …") with {@code readable}.
     */
    public record Etcd(String mode, Place place, List<String> on, String where, String prefix, String read, boolean readable) {
    }

    /** One node as it is shown; {@code running}: whether its agent runs (false when planned). */
    public record Node(String name, String hostname, String eth0, String eth1, String subnet, String vtepMac, String agent,
                       boolean running) {
    }

    /** A spec that is not up: addresses from the spec, no subnet leased yet, no agent started. */
    public static Topology planned(LabSpec spec) {
        String eth0 = spec.underlay().nat() ? nat(spec).eth0() : "none";
        // netns and the Vagrantfile name each machine after its node; an ssh host keeps the name it has
        boolean ownName = spec.provider() == LabSpec.Provider.SSH;
        List<Node> nodes = spec.nodes().stream().map(n -> new Node(n.name(), ownName ? "the host's own" : n.name(), eth0,
                n.ip() + "/" + spec.underlay().cidr().prefixLen(), NOT_LEASED, vtepMacPlanned(spec), "not started", false)).toList();
        return new Topology(spec.name(), source(spec), false, overlay(spec), underlay(spec), nat(spec), etcdPlanned(spec), nodes);
    }

    /** A lab that is up, from the facts the doctor gathered (each node's, and etcd's leases). */
    public static Topology live(LabFacts facts) {
        LabSpec spec = facts.spec();
        List<Node> nodes = spec.nodes().stream().map(n -> liveNode(facts, n.name())).toList();
        return new Topology(spec.name(), source(spec), true, overlay(spec), underlay(spec), nat(spec), etcdLive(facts), nodes);
    }

    private static Node liveNode(LabFacts facts, String name) {
        NodeFacts f = facts.nodes().get(name);
        Optional<EtcdFacts.LeaseFact> lease = facts.leaseOf(name);
        String hostname = lease.map(EtcdFacts.LeaseFact::nodeName).orElse("unknown (no lease names it)");
        String subnet = lease.map(l -> l.subnet().toString()).orElse("no lease");
        String vtep = lease.map(l -> l.attrs().vtepMac()).orElse(null);
        if (f == null || !f.reachable()) {
            String why = f == null ? "not gathered" : f.unreachable();
            return new Node(name, hostname, "unknown", "unknown", subnet, vtep == null ? "unknown" : vtep, "unreachable: " + why, false);
        }
        if (vtep == null) {
            vtep = f.link(facts.vxlanDevice()).map(NodeFacts.Link::mac).map(m -> m + " (device; no lease)").orElse("none");
        }
        return new Node(name, hostname, addresses(f, "eth0"), addresses(f, "eth1"), subnet, vtep, f.agent(), f.agentRunning());
    }

    private static String addresses(NodeFacts f, String link) {
        return f.link(link).map(l -> l.addresses().isEmpty() ? "no IPv4 address"
                : String.join(", ", l.addresses().stream().map(Ip4Net::toString).toList())).orElse("none");
    }

    private static String source(LabSpec spec) {
        return spec.source() == null || spec.source().getFileName() == null ? null : spec.source().getFileName().toString();
    }

    private static Overlay overlay(LabSpec spec) {
        LabSpec.Network n = spec.network();
        String backend = n.backendType() == LabSpec.Backend.VXLAN
                ? "vxlan VNI " + n.vni() + ", UDP " + n.port() + (n.directRouting() ? ", direct routing" : "")
                : n.backendType().word();
        return new Overlay(n.cidr().toString(), n.subnetLen(), backend);
    }

    private static Underlay underlay(LabSpec spec) {
        return new Underlay(spec.underlay().cidr().toString(), spec.underlay().hostIp().toString());
    }

    private static Nat nat(LabSpec spec) {
        Ip4Net nat = SpecDefaults.NAT_NETWORK;
        return spec.underlay().nat() ? new Nat(nat.toString(), nat.network().plus(15) + "/" + nat.prefixLen()) : null;
    }

    private static String vtepMacPlanned(LabSpec spec) {
        return spec.network().backendType() == LabSpec.Backend.VXLAN ? "made when the agent starts" : "none (host-gw)";
    }

    private static Etcd etcdPlanned(LabSpec spec) {
        LabSpec.Etcd e = spec.etcd();
        if (e.mode() == LabSpec.EtcdMode.EXTERNAL) {
            return new Etcd(e.mode().word(), Place.EXTERNAL, List.of(), String.join(", ", e.endpoints().stream().map(URI::toString).toList()),
                    e.prefix(), null, false);
        }
        String where = String.join(", ", EtcdCluster.clientUrls(EtcdCluster.members(spec)));
        if (!e.on().isEmpty()) {
            return new Etcd(e.mode().word(), Place.NODE, e.on(), where, e.prefix(), null, false);
        }
        return new Etcd(e.mode().word(), Place.THIS_MACHINE, List.of(), where, e.prefix(), null, false);
    }

    private static Etcd etcdLive(LabFacts facts) {
        Etcd p = etcdPlanned(facts.spec());
        EtcdFacts read = facts.etcd();
        String what = read == null ? "not read" : read.readable() ? read.leases().size() + " lease(s)" : "not readable: " + read.error();
        return new Etcd(p.mode(), p.place(), p.on(), p.where(), p.prefix(), what, read != null && read.readable());
    }
}
