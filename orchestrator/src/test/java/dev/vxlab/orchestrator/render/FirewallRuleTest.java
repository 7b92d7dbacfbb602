package dev.vxlab.orchestrator.render;

import static dev.vxlab.orchestrator.render.TestLabs.quickstart;
import static dev.vxlab.orchestrator.render.TestLabs.withNetwork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirewallRuleTest {

    private static List<String> rulespecs(String backend, int vni, int port, boolean directRouting) {
        return FirewallRule.forLab(withNetwork(quickstart(), backend, vni, port, directRouting)).stream()
                .map(FirewallRule::rulespec).toList();
    }

    @Test
    void vxlanForwardsThroughFlannelVniAndAcceptsVxlanFromTheUnderlay() {
        assertEquals(List.of(
                "FORWARD -i flannel.1 -o docker0 -j ACCEPT",
                "FORWARD -i docker0 -o flannel.1 -j ACCEPT",
                "INPUT -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT"), rulespecs("vxlan", 1, 8472, false));
    }

    @Test
    void otherVniAndPort() {
        assertEquals(List.of(
                "FORWARD -i flannel.7 -o docker0 -j ACCEPT",
                "FORWARD -i docker0 -o flannel.7 -j ACCEPT",
                "INPUT -p udp --dport 4789 -s 192.168.56.0/24 -j ACCEPT"), rulespecs("vxlan", 7, 4789, false));
    }

    @Test
    void portZeroIsTheKernelDefault() {
        assertEquals("INPUT -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT", rulespecs("vxlan", 1, 0, false).get(2));
    }

    @Test
    void directRoutingAlsoForwardsTheUnderlay() {
        assertEquals(List.of(
                "FORWARD -i flannel.1 -o docker0 -j ACCEPT",
                "FORWARD -i docker0 -o flannel.1 -j ACCEPT",
                "FORWARD -i eth1 -o docker0 -j ACCEPT",
                "FORWARD -i docker0 -o eth1 -j ACCEPT",
                "INPUT -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT"), rulespecs("vxlan", 1, 8472, true));
    }

    @Test
    void hostGwForwardsTheUnderlayAndOpensNoPort() {
        assertEquals(List.of(
                "FORWARD -i eth1 -o docker0 -j ACCEPT",
                "FORWARD -i docker0 -o eth1 -j ACCEPT"), rulespecs("host-gw", 0, 0, false));
    }

    @Test
    void directRulesAreWrittenAsFirewalldListsThem() {
        // firewall-cmd --direct --get-all-rules on a node that loaded the quickstart's direct.xml (seen on vxlab/node)
        assertEquals(List.of(
                "ipv4 filter FORWARD 0 -i flannel.1 -o docker0 -j ACCEPT",
                "ipv4 filter FORWARD 0 -i docker0 -o flannel.1 -j ACCEPT",
                "ipv4 filter INPUT 0 -p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT"),
                FirewallRule.forLab(quickstart()).stream().map(FirewallRule::directRule).toList());
    }

    @Test
    void anUnknownBackendIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rulespecs("udp", 1, 8285, false));
        assertEquals("backend \"udp\" is not supported. Supported backends are [vxlan, host-gw]", e.getMessage());
    }
}
