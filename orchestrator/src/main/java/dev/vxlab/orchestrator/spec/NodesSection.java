package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code nodes:}: the lab's machines, each a name and an underlay address (and, for provider ssh, how to reach
 * it). Names and addresses must be unique: the second use of one is the error, reported at that second field
 * and naming the node that has it already. An address must also be a usable host address of underlay.cidr and
 * not the host's own (underlay.hostIp). A node that is wrong is left out, and the others are still checked.
 */
final class NodesSection {
    static final List<String> KEYS = List.of("name", "ip", "ssh");
    static final String EXAMPLE = "{name: kube1, ip: 192.168.56.11}";

    private final Values values;
    private final Problems problems;
    private final Val<Ip4Net> underlay;
    private final Val<Ip4> hostIp;
    private final SshSection ssh;
    private final Map<String, Integer> names = new HashMap<>();
    private final Map<Ip4, Integer> ips = new HashMap<>();
    private final List<String> nameOf = new ArrayList<>();
    private final List<LabSpec.Node> nodes;

    private NodesSection(Section top, Values values, NetworkSection network, SshSection ssh) {
        this.values = values;
        this.problems = values.problems();
        this.underlay = network.underlayCidr();
        this.hostIp = network.hostIp();
        this.ssh = ssh;
        Val<SequenceNode> list = top.required("nodes", "list the lab's nodes, such as nodes: [" + EXAMPLE + "]", (n, p) -> {
            if (n instanceof SequenceNode seq) {
                return seq;
            }
            problems.at(n, p, "expected a list of nodes such as [" + EXAMPLE + "], got " + Describe.node(n));
            return null;
        });
        nodes = list == null ? null : nodes(list);
    }

    /** {@code network}: the underlay the addresses must lie in; {@code ssh}: the defaults each node's ssh: merges over. */
    static NodesSection read(Section top, Values values, NetworkSection network, SshSection ssh) {
        return new NodesSection(top, values, network, ssh);
    }

    /** The nodes that resolved, or null when nodes: itself is missing or not a list. */
    List<LabSpec.Node> nodes() {
        return nodes;
    }

    private List<LabSpec.Node> nodes(Val<SequenceNode> list) {
        List<Node> items = list.value().getValue();
        if (items.size() < SpecDefaults.MIN_NODES) {
            problems.at(list.node(), "nodes", "the list is empty; a lab needs at least " + SpecDefaults.MIN_NODES + " node, such as "
                    + EXAMPLE);
        } else if (items.size() > SpecDefaults.MAX_NODES) {
            problems.at(list.node(), "nodes", items.size() + " nodes are listed; a lab holds at most " + SpecDefaults.MAX_NODES);
        }
        List<LabSpec.Node> resolved = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            LabSpec.Node node = node(i, items.get(i));
            if (node != null) {
                resolved.add(node);
            }
        }
        return List.copyOf(resolved);
    }

    private LabSpec.Node node(int i, Node item) {
        String path = "nodes[" + i + "]";
        nameOf.add(null);
        if (!(item instanceof MappingNode m)) {
            problems.at(item, path, "expected a node such as " + EXAMPLE + ", got " + Describe.node(item));
            return null;
        }
        Section node = Section.of(SpecMap.check(m, path, KEYS, problems), problems);
        Val<String> name = node.required("name", "give each node a name such as kube1", values.name("node"));
        Val<Ip4> ip = node.required("ip", "give each node an address inside underlay.cidr"
                + (underlay == null ? "" : " " + underlay.value()), values::ip);
        name = uniqueName(i, path, name);
        ip = usableIp(i, path, ip);
        LabSpec.Ssh reach = ssh.forNode(node, ip == null ? null : ip.value());
        return name != null && ip != null ? new LabSpec.Node(name.value(), ip.value(), reach) : null;
    }

    /** The name, or null (recorded at this node's name) when an earlier node has it. */
    private Val<String> uniqueName(int i, String path, Val<String> name) {
        if (name == null) {
            return null;
        }
        Integer earlier = names.putIfAbsent(name.value(), i);
        if (earlier != null) {
            problems.at(name.node(), path + ".name", Describe.quote(name.value()) + " is already the name of nodes[" + earlier
                    + "]; node names must be unique");
            return null;
        }
        nameOf.set(i, name.value());
        return name;
    }

    /** The address, or null (recorded at this node's ip) when it is no host address of the underlay, the host's, or taken. */
    private Val<Ip4> usableIp(int i, String path, Val<Ip4> ip) {
        if (ip == null || underlay == null) {
            return ip;
        }
        String problem = NetworkSection.hostAddressProblem(ip, underlay.value());
        if (problem == null && hostIp != null && ip.value().equals(hostIp.value())) {
            problem = Describe.quote(ip.text()) + " is underlay.hostIp, the host's own address on the underlay"
                    + (hostIp.given() ? "" : " (the default)") + "; give the node another address";
        }
        if (problem == null) {
            Integer earlier = ips.putIfAbsent(ip.value(), i);
            if (earlier != null) {
                problem = Describe.quote(ip.text()) + " is already the address of nodes[" + earlier + "]"
                        + (nameOf.get(earlier) == null ? "" : " (" + nameOf.get(earlier) + ")")
                        + "; node addresses must be unique";
            }
        }
        if (problem != null) {
            problems.at(ip.node(), path + ".ip", problem);
            return null;
        }
        return ip;
    }
}
