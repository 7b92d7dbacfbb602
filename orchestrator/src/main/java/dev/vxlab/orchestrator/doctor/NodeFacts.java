package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one node showed to {@code gather.sh}, parsed ({@link FactsParser}); {@code sections} keeps each
 * command's own output, from which findings quote their evidence. A node that could not be reached has
 * {@code unreachable} set and nothing else.
 */
public record NodeFacts(String node, String unreachable, Map<String, String> sections, List<Link> links, List<Route> routes,
                        List<Neigh> neighbours, List<Fdb> fdb, List<String> iptables, Map<String, String> subnetEnv,
                        Map<String, String> sysconfig, String agent, List<String> log, long udpInCsumErrors, List<Link> container,
                        Map<String, Boolean> etcdReach, List<String> problems) {

    /** The command behind each section, as evidence names it. */
    public static final Map<String, String> COMMANDS = Map.ofEntries(
            Map.entry("link", "ip -d -j link show"), Map.entry("addr", "ip -j addr show"), Map.entry("route", "ip -j route show"),
            Map.entry("neigh", "ip -j neigh show"), Map.entry("fdb", "bridge -j fdb show"), Map.entry("iptables", "iptables-save"),
            Map.entry("subnet.env", "cat /run/flannel/subnet.env"), Map.entry("sysconfig", "cat /etc/sysconfig/flanneld"),
            Map.entry("agent", "kill -0 $(cat /run/vxlabd.pid)"), Map.entry("log", "tail -n 40 /var/log/vxlabd.log"),
            Map.entry("healthz", "GET /healthz"), Map.entry("snmp", "cat /proc/net/snmp"),
            Map.entry("container", "ip netns exec vxtest ip -j addr show"), Map.entry("etcd", "TCP connect to each etcd endpoint"));

    /** A network interface with its IPv4 addresses; {@code vxlan} only for a VXLAN device. */
    public record Link(String name, int mtu, boolean up, String mac, String kind, Vxlan vxlan, List<Ip4Net> addresses, String raw) {
    }

    /** A VXLAN device's settings: VNI, local address, lower device, destination port. */
    public record Vxlan(int id, String local, String lower, int port) {
    }

    public record Route(String dst, String gateway, String dev, boolean onlink, String raw) {
    }

    public record Neigh(String dst, String lladdr, String dev, boolean permanent, String raw) {
    }

    public record Fdb(String mac, String dev, String dst, String raw) {
    }

    public static NodeFacts unreachable(String node, String why) {
        return new NodeFacts(node, why, Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(),
                "unknown", List.of(), 0, List.of(), Map.of(), List.of());
    }

    public boolean reachable() {
        return unreachable == null;
    }

    public boolean agentRunning() {
        return agent.startsWith("running");
    }

    public Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** FLANNEL_SUBNET as the network (10.244.34.1/24 → 10.244.34.0/24), if subnet.env has one. */
    public Optional<Ip4Net> flannelSubnet() {
        String s = subnetEnv.get("FLANNEL_SUBNET");
        try {
            return s == null ? Optional.empty() : Optional.of(Ip4Net.parseLoose(s).canonical());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The log lines of the agent's last run: from its last "vxlabd starting" line on (the log is appended to). */
    public List<String> lastRunLog() {
        int start = 0;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains("vxlabd starting")) {
                start = i;
            }
        }
        return log.subList(start, log.size());
    }

    /** The lines of a section that contain {@code text}. */
    public List<String> linesWith(String section, String text) {
        return sections.getOrDefault(section, "").lines().filter(l -> l.contains(text)).toList();
    }
}
