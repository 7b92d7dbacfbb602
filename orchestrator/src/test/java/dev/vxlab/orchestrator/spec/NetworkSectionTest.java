package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSectionTest {
    private final SpecFixture f = new SpecFixture();

    private NetworkSection read(String yaml) {
        return NetworkSection.read(f.top(yaml), f.values);
    }

    @Test
    void nothingGivenIsFlannelsDefaults() {
        NetworkSection n = read("name: x\n");
        assertEquals(List.of(), f.errors());
        assertEquals(new LabSpec.Network(Ip4Net.parse("10.244.0.0/16"), 24, "vxlan", 1, 8472, false), n.network());
        assertEquals(new LabSpec.Underlay(Ip4Net.parse("192.168.56.0/24"), Ip4.parse("192.168.56.1"), true), n.underlay());
        assertEquals(false, n.hostIp().given());
    }

    @Test
    void anOverlapIsReportedAtTheNetworkGivenNotAtADefault() {
        read("network: {cidr: 192.168.0.0/16}\n");
        read("underlay: {cidr: 10.244.7.0/24}\n");
        assertEquals(List.of("x.yaml:1:17: network.cidr: 192.168.0.0/16 overlaps underlay.cidr 192.168.56.0/24;"
                        + " the overlay and the underlay must be separate networks",
                "x.yaml:1:18: underlay.cidr: 10.244.7.0/24 overlaps network.cidr 10.244.0.0/16 (the default);"
                        + " the overlay and the underlay must be separate networks"), f.errors());
    }

    @Test
    void theNatNetworkIsCheckedOnlyWithNatAndOnlyAgainstNetworksGiven() {
        read("network: {cidr: 10.0.0.0/12}\nunderlay: {nat: false}\n");
        assertEquals(List.of(), f.errors());
        read("network: {cidr: 10.0.0.0/12}\n");
        assertEquals(List.of("x.yaml:1:17: network.cidr: 10.0.0.0/12 overlaps 10.0.2.0/24, the NAT network of every node's eth0"
                + " (underlay.nat: true); pick another range or set underlay.nat: false"), f.errors());
    }

    @Test
    void subnetLenDefaultsFromTheCidrAndMustLeaveFourSubnets() {
        assertEquals(26, read("network: {cidr: 10.1.0.0/24}\n").network().subnetLen());
        read("network: {cidr: 10.1.0.0/24, subnetLen: 25}\n");
        assertEquals(List.of("x.yaml:1:41: network.subnetLen: 25 is too short for network.cidr 10.1.0.0/24: flannel needs"
                + " subnetLen 26 or more (the prefix + 2) so that the network holds at least four subnets"), f.errors());
    }

    @Test
    void aWrongNetworkGivesOneErrorAndNoRuleRunsOnIt() {
        NetworkSection n = read("network: {cidr: 10.1.0.0/29, subnetLen: 40}\nunderlay: {cidr: 10.1.0.0/31}\n");
        assertEquals(List.of("x.yaml:1:17: network.cidr: 10.1.0.0/29 is too small: flannel needs room for at least four subnets"
                        + " of /30 or wider, so the prefix must be /28 or shorter",
                "x.yaml:1:41: network.subnetLen: 40 is too long: flannel allows subnetLen up to 30",
                "x.yaml:2:18: underlay.cidr: 10.1.0.0/31 is too small: it must hold the host's address and the nodes'"
                        + " (use a /30 or wider, such as 192.168.56.0/24)"), f.errors());
        assertNull(n.underlayCidr());
        assertNull(n.hostIp());
    }

    @Test
    void aHostAddressIsInsideAndNeitherTheNetworkNorTheBroadcastAddress() {
        Ip4Net net = Ip4Net.parse("192.168.56.0/24");
        assertNull(NetworkSection.hostAddressProblem(given("192.168.56.1"), net));
        assertEquals("\"192.168.57.1\" is outside underlay.cidr 192.168.56.0/24",
                NetworkSection.hostAddressProblem(given("192.168.57.1"), net));
        assertEquals("\"192.168.56.0\" is the network address of underlay.cidr 192.168.56.0/24; use an address from"
                + " 192.168.56.1 to 192.168.56.254", NetworkSection.hostAddressProblem(given("192.168.56.0"), net));
        assertEquals("\"192.168.56.255\" is the broadcast address of underlay.cidr 192.168.56.0/24; use an address from"
                + " 192.168.56.1 to 192.168.56.254", NetworkSection.hostAddressProblem(given("192.168.56.255"), net));
    }

    private static Val<Ip4> given(String ip) {
        return new Val<>(Ip4.parse(ip), SpecFixture.compose(ip));
    }
}
