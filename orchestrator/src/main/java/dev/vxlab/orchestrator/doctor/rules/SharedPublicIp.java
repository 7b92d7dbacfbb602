package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VX001, the seed's trap: nodes that advertise one public IP, or an agent on the NAT interface. Under Vagrant
 * every VM's eth0 is 10.0.2.15 with the default route; an agent not told which interface to use takes it.
 * vxlabd refuses the second such node (its log says so); a real flanneld silently shares one lease (one key
 * naming one node, the other node's subnet.env pointing at the same subnet). All three shapes are found here.
 */
public final class SharedPublicIp implements Rule {
    static final String EXPLAIN = "Each node must advertise an address the other nodes can reach it on: the VXLAN packets for a node's"
            + " subnet are sent to that address. Under Vagrant every VM's NAT interface eth0 has the same address 10.0.2.15 and"
            + " carries the default route, which is what an agent picks when it is not told which interface to use; every node"
            + " then claims 10.0.2.15, the nodes cannot be told apart, and nothing routes.";

    @Override
    public String id() {
        return "VX001";
    }

    @Override
    public String title() {
        return "two nodes advertise one public IP, or an agent uses the NAT interface (the Vagrant 10.0.2.15 trap)";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        Map<Ip4, List<LeaseFact>> byIp = new LinkedHashMap<>();
        for (LeaseFact l : f.leases()) {
            byIp.computeIfAbsent(l.attrs().publicIp(), k -> new ArrayList<>()).add(l);
        }
        List<String> nodes = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (Map.Entry<Ip4, List<LeaseFact>> e : byIp.entrySet()) {
            boolean shared = e.getValue().size() > 1;
            boolean offUnderlay = !f.spec().underlay().cidr().contains(e.getKey());
            if (shared) {
                what.add(e.getValue().size() + " leases advertise " + e.getKey());
            } else if (offUnderlay) {
                what.add("a lease advertises " + e.getKey() + ", which is not on the underlay " + f.spec().underlay().cidr()
                        + (e.getKey().toString().equals("10.0.2.15") ? " (it is the NAT address of every node's eth0)" : ""));
            }
            if (shared || offUnderlay) {
                evidence.add(new Evidence("etcd", "etcdctl get --prefix " + f.spec().etcd().prefix() + "/subnets/",
                        e.getValue().stream().map(LeaseFact::etcdctlLine).toList()));
                e.getValue().forEach(l -> add(nodes, l.nodeName()));
            }
        }
        if (f.live()) {
            Map<String, List<String>> bySubnet = new LinkedHashMap<>();
            for (NodeFacts n : f.reachableNodes()) {
                n.flannelSubnet().ifPresent(s -> bySubnet.computeIfAbsent(s.toString(), k -> new ArrayList<>()).add(n.node()));
                List<String> run = n.lastRunLog();
                List<String> lines = new ArrayList<>(run.stream().filter(l -> l.contains("Using interface with name") && offUnderlay(f, l)).toList());
                lines.addAll(run.stream().filter(l -> l.contains("already advertises public IP")).toList());
                if (!lines.isEmpty()) {
                    evidence.add(new Evidence(n.node(), "tail -n 40 /var/log/vxlabd.log", lines));
                    add(nodes, n.node());
                    if (lines.stream().anyMatch(l -> l.contains("already advertises public IP"))) {
                        what.add("the agent on " + n.node() + " refused to share a public IP");
                    }
                }
            }
            for (Map.Entry<String, List<String>> e : bySubnet.entrySet()) {
                if (e.getValue().size() > 1) {
                    what.add(String.join(" and ", e.getValue()) + " have one subnet, " + e.getKey() + " (one lease for two nodes)");
                    for (String node : e.getValue()) {
                        evidence.add(new Evidence(node, "cat /run/flannel/subnet.env", f.nodes().get(node).linesWith("subnet.env", "FLANNEL_SUBNET")));
                        add(nodes, node);
                    }
                }
            }
        }
        if (nodes.isEmpty() && evidence.isEmpty()) {
            return List.of();
        }
        String iface = Rules.underlayInterface(f);
        out.add(new Finding(id(), Severity.ERROR, nodes, "nodes do not advertise an address of their own: " + String.join("; ", what),
                evidence, EXPLAIN,
                "tell the agent which interface the nodes share: FLANNEL_OPTIONS=\"--iface=" + iface + "\" in /etc/sysconfig/flanneld"
                        + " (or --iface-can-reach=<another node's address>), or agent.options: \"--iface=" + iface + "\" in "
                        + f.spec().source() + " and `vxlab up` again; then restart vxlabd on each node: " + Rules.RESTART_AGENT));
        return out;
    }

    private static boolean offUnderlay(LabFacts f, String usingLine) {
        int at = usingLine.lastIndexOf(" and address ");
        if (at < 0) {
            return false;
        }
        String ip = usingLine.substring(at + " and address ".length()).trim();
        return Ip4.isValid(ip) && !f.spec().underlay().cidr().contains(Ip4.parse(ip));
    }

    private static void add(List<String> nodes, String node) {
        if (node != null && !nodes.contains(node)) {
            nodes.add(node);
        }
    }
}
