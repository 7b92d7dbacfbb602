package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the rules look at: the lab's spec (what should be), each node's facts and etcd's (what is),
 * with the lookups several rules share. {@code nodes} is null for a spec that is not up (static rules only).
 */
public record LabFacts(LabSpec spec, Map<String, NodeFacts> nodes, EtcdFacts etcd) {

    public static LabFacts staticOnly(LabSpec spec) {
        return new LabFacts(spec, null, null);
    }

    public boolean live() {
        return nodes != null;
    }

    public String vxlanDevice() {
        return "flannel." + spec.network().vni();
    }

    public List<NodeFacts> reachableNodes() {
        return nodes.values().stream().filter(NodeFacts::reachable).toList();
    }

    public List<LeaseFact> leases() {
        return etcd == null ? List.of() : etcd.leases().stream().filter(l -> l.attrs() != null).toList();
    }

    /**
     * The lease that is this node's: the one that carries its name; else (a flanneld lease carries none) the one
     * for the subnet of its subnet.env, else the one that advertises its address.
     */
    public Optional<LeaseFact> leaseOf(String node) {
        List<LeaseFact> all = leases();
        Optional<LeaseFact> named = all.stream().filter(l -> node.equals(l.nodeName())).findFirst();
        if (named.isPresent()) {
            return named;
        }
        NodeFacts f = nodes == null ? null : nodes.get(node);
        Optional<Ip4Net> env = f == null ? Optional.empty() : f.flannelSubnet();
        if (env.isPresent()) {
            Optional<LeaseFact> bySubnet = all.stream().filter(l -> l.subnet().equals(env.get()) && l.nodeName() == null).findFirst();
            if (bySubnet.isPresent()) {
                return bySubnet;
            }
        }
        Ip4 ip = specIp(node);
        return all.stream().filter(l -> l.nodeName() == null && l.attrs().publicIp().equals(ip)).findFirst();
    }

    /**
     * Whether the node took part in the overlay: it holds a lease or its agent wrote a subnet.env. One that never
     * did (its agent refused at start) is not expected to hold routes or a working device: the refusal says why.
     */
    public boolean joined(String node) {
        return leaseOf(node).isPresent() || (nodes != null && nodes.get(node) != null && nodes.get(node).flannelSubnet().isPresent());
    }

    /** Every lease but this node's own: the peers whose entries the node should have. */
    public List<LeaseFact> peersOf(String node) {
        Optional<LeaseFact> own = leaseOf(node);
        Optional<Ip4Net> env = nodes == null || nodes.get(node) == null ? Optional.empty() : nodes.get(node).flannelSubnet();
        List<LeaseFact> out = new ArrayList<>();
        for (LeaseFact l : leases()) {
            boolean mine = own.map(o -> o.key().equals(l.key())).orElse(false) || env.map(l.subnet()::equals).orElse(false);
            if (!mine && spec.network().cidr().contains(l.subnet())) {
                out.add(l);
            }
        }
        return out;
    }

    public Ip4 specIp(String node) {
        return spec.nodes().stream().filter(n -> n.name().equals(node)).map(LabSpec.Node::ip).findFirst().orElse(null);
    }
}
