package dev.vxlab.orchestrator.render;

import dev.vxlab.orchestrator.spec.LabSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One rule for the IPv4 filter table, as data: /etc/firewalld/direct.xml renders these, and a node without
 * firewalld can be given the same rules with {@code iptables -C/-I} from {@link #rulespec()}, so the two never
 * drift apart. Every argument is a single word without shell or XML metacharacters (interface names built from
 * numbers and constants, a port, a CIDR), which firewalld's shlex split and a remote shell both leave intact.
 */
public record FirewallRule(String chain, List<String> args) {

    public FirewallRule {
        args = List.copyOf(args);
    }

    /** "FORWARD -i flannel.1 -o docker0 -j ACCEPT": the chain and the arguments, as iptables -C/-I/-D take them. */
    public String rulespec() {
        return chain + " " + String.join(" ", args);
    }

    /**
     * "ipv4 filter FORWARD 0 -i flannel.1 -o docker0 -j ACCEPT": the rule as direct.xml holds it (IPv4, the filter
     * table, priority 0) and as {@code firewall-cmd --direct --get-all-rules} lists it once firewalld has loaded it.
     */
    public String directRule() {
        return "ipv4 filter " + rulespec().replaceFirst(" ", " 0 ");
    }

    /**
     * The rules a node of this lab needs: container traffic between the bridge (docker0) and the overlay's
     * interface forwarded both ways — flannel.VNI for vxlan, plus eth1 with DirectRouting (peers on the same L2
     * are reached unencapsulated), eth1 for host-gw — and, for vxlan, the encapsulated UDP accepted from the
     * underlay only (VXLAN carries no authentication). Port 0 in the spec means the kernel default 8472.
     *
     * @throws IllegalArgumentException for a backend other than vxlan and host-gw
     */
    public static List<FirewallRule> forLab(LabSpec spec) {
        LabSpec.Network network = spec.network();
        boolean vxlan = switch (network.backend()) {
            case "vxlan" -> true;
            case "host-gw" -> false;
            default -> throw new IllegalArgumentException("backend \"" + network.backend()
                    + "\" is not supported. Supported backends are " + Renderer.BACKENDS);
        };
        List<String> overlay = new ArrayList<>();
        if (vxlan) {
            overlay.add("flannel." + network.vni());
            if (network.directRouting()) {
                overlay.add(Renderer.UNDERLAY_IFACE);
            }
        } else {
            overlay.add(Renderer.UNDERLAY_IFACE);
        }
        List<FirewallRule> rules = new ArrayList<>();
        for (String iface : overlay) {
            rules.add(new FirewallRule("FORWARD", List.of("-i", iface, "-o", Renderer.DOCKER_BRIDGE, "-j", "ACCEPT")));
            rules.add(new FirewallRule("FORWARD", List.of("-i", Renderer.DOCKER_BRIDGE, "-o", iface, "-j", "ACCEPT")));
        }
        if (vxlan) {
            int port = network.port() == 0 ? Renderer.DEFAULT_VXLAN_PORT : network.port();
            rules.add(new FirewallRule("INPUT", List.of("-p", "udp", "--dport", Integer.toString(port),
                    "-s", spec.underlay().cidr().toString(), "-j", "ACCEPT")));
        }
        return List.copyOf(rules);
    }
}
