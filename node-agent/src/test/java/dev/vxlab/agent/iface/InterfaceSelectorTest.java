package dev.vxlab.agent.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InterfaceSelectorTest {
    private static final String VAGRANT_LIST = "lo 127.0.0.1/8; eth0 10.0.2.15/24; eth1 192.168.56.11/24";

    private static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    private static InterfaceSelector.Options ifaces(String... specs) {
        return new InterfaceSelector.Options(List.of(specs), List.of(), null, null);
    }

    private static InterfaceSelector.Options regexes(String... patterns) {
        return new InterfaceSelector.Options(List.of(), java.util.Arrays.stream(patterns).map(Pattern::compile).toList(), null, null);
    }

    private static InterfaceSelector.Options canReach(String dest) {
        return new InterfaceSelector.Options(List.of(), List.of(), ip(dest), null);
    }

    private static void assertChosen(ExternalInterface e, String name, String addr) {
        assertEquals(name, e.iface().name());
        assertEquals(ip(addr), e.ifaceAddr());
        assertEquals(ip(addr), e.publicIp(), "without --public-ip the interface address is advertised");
    }

    private static InterfaceSelectionException fails(InterfaceSelector.Options opts, InterfaceInventory inv) {
        return assertThrows(InterfaceSelectionException.class, () -> InterfaceSelector.select(opts, inv));
    }

    // ---- the default route ----

    @Test
    void noOptionsUsesTheDefaultRouteInterface() {
        ExternalInterface e = InterfaceSelector.select(InterfaceSelector.Options.none(), FakeInventory.vagrant());
        assertChosen(e, "eth0", "10.0.2.15");
        assertTrue(e.how().contains("default route"), e.how());
    }

    @Test
    void defaultRouteOnAnotherInterface() {
        FakeInventory inv = FakeInventory.vagrant().defaultRoute("eth1");
        assertChosen(InterfaceSelector.select(InterfaceSelector.Options.none(), inv), "eth1", "192.168.56.11");
    }

    @Test
    void noDefaultRouteAndNoOptionsIsAnError() {
        FakeInventory inv = FakeInventory.vagrant().defaultRoute(null);
        InterfaceSelectionException e = fails(InterfaceSelector.Options.none(), inv);
        assertTrue(e.getMessage().contains("no default route"), e.getMessage());
        assertTrue(e.getMessage().contains(VAGRANT_LIST), e.getMessage());
        assertTrue(e.hint().contains("--iface"), e.hint());
    }

    @Test
    void defaultRouteOnAnUnknownInterfaceIsAnError() {
        InterfaceSelectionException e = fails(InterfaceSelector.Options.none(), FakeInventory.vagrant().defaultRoute("ppp0"));
        assertTrue(e.getMessage().contains("ppp0"), e.getMessage());
        assertTrue(e.getMessage().contains(VAGRANT_LIST), e.getMessage());
    }

    // ---- --iface ----

    @Test
    void ifaceByName() {
        ExternalInterface e = InterfaceSelector.select(ifaces("eth1"), FakeInventory.vagrant());
        assertChosen(e, "eth1", "192.168.56.11");
        assertEquals("--iface=eth1", e.how());
    }

    @Test
    void ifaceByAddress() {
        ExternalInterface e = InterfaceSelector.select(ifaces("192.168.56.11"), FakeInventory.vagrant());
        assertChosen(e, "eth1", "192.168.56.11");
        assertEquals("--iface=192.168.56.11", e.how());
    }

    @Test
    void ifaceByAddressUsesThatAddressNotTheFirstOne() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500, "192.168.56.11/24", "192.168.57.11/24").defaultRoute("eth0");
        assertChosen(InterfaceSelector.select(ifaces("192.168.57.11"), inv), "eth1", "192.168.57.11");
    }

    @Test
    void severalIfacesAreTriedInOrder() {
        FakeInventory inv = FakeInventory.vagrant();
        assertChosen(InterfaceSelector.select(ifaces("enp0s8", "eth1"), inv), "eth1", "192.168.56.11");
        assertChosen(InterfaceSelector.select(ifaces("192.168.56.99", "eth1", "eth0"), inv), "eth1", "192.168.56.11");
        assertChosen(InterfaceSelector.select(ifaces("eth0", "eth1"), inv), "eth0", "10.0.2.15");
    }

    @Test
    void ifaceComesBeforeRegexAndCanReach() {
        FakeInventory inv = FakeInventory.vagrant().route("10.0.2.2", "eth0", "10.0.2.15");
        InterfaceSelector.Options opts = new InterfaceSelector.Options(List.of("eth1"), List.of(Pattern.compile("^10\\.")),
                ip("10.0.2.2"), null);
        assertChosen(InterfaceSelector.select(opts, inv), "eth1", "192.168.56.11");
        assertTrue(inv.routeLookups.isEmpty(), "no route lookup once --iface matched");
    }

    // ---- --iface-regex ----

    @Test
    void regexMatchesAddressesBeforeNames() {
        // matches eth0 by name and eth1 by address: the address wins although eth0 comes first
        ExternalInterface e = InterfaceSelector.select(regexes("eth0|192\\.168\\.56\\."), FakeInventory.vagrant());
        assertChosen(e, "eth1", "192.168.56.11");
        assertEquals("--iface-regex=eth0|192\\.168\\.56\\.", e.how());
    }

    @Test
    void regexMatchingOnlyAName() {
        assertChosen(InterfaceSelector.select(regexes("^eth1$"), FakeInventory.vagrant()), "eth1", "192.168.56.11");
        FakeInventory renamed = new FakeInventory().loopback().add("enp0s3", 1500, "10.0.2.15/24")
                .add("enp0s8", 1500, "192.168.56.11/24").defaultRoute("enp0s3");
        assertChosen(InterfaceSelector.select(regexes("^(eth1|enp0s8)$"), renamed), "enp0s8", "192.168.56.11");
    }

    @Test
    void regexesAreTriedInOrder() {
        assertChosen(InterfaceSelector.select(regexes("^wlan", "^192\\.168\\.", "^10\\."), FakeInventory.vagrant()),
                "eth1", "192.168.56.11");
    }

    @Test
    void regexPicksTheMatchingAddressOfAnInterfaceWithSeveral() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500, "172.16.0.5/24", "192.168.56.11/24").defaultRoute("eth0");
        assertChosen(InterfaceSelector.select(regexes("^192\\.168\\."), inv), "eth1", "192.168.56.11");
    }

    // ---- --iface-can-reach ----

    @Test
    void canReachUsesTheRouteInterfaceAndSource() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500, "192.168.57.11/24", "192.168.56.11/24").defaultRoute("eth0")
                .route("192.168.56.12", "eth1", "192.168.56.11");
        ExternalInterface e = InterfaceSelector.select(canReach("192.168.56.12"), inv);
        assertChosen(e, "eth1", "192.168.56.11");
        assertEquals("--iface-can-reach=192.168.56.12", e.how());
        assertEquals(List.of(ip("192.168.56.12")), inv.routeLookups);
    }

    @Test
    void canReachWithoutSourceUsesTheInterfacesFirstAddress() {
        FakeInventory inv = FakeInventory.vagrant().route("192.168.56.12", "eth1", null);
        assertChosen(InterfaceSelector.select(canReach("192.168.56.12"), inv), "eth1", "192.168.56.11");
    }

    @Test
    void canReachWithoutRouteFailsAndDoesNotFallBack() {
        InterfaceSelectionException e = fails(canReach("203.0.113.9"), FakeInventory.vagrant());
        assertTrue(e.getMessage().contains("--iface-can-reach=203.0.113.9: the kernel has no route to it"), e.getMessage());
        assertTrue(e.getMessage().contains(VAGRANT_LIST), e.getMessage());
    }

    @Test
    void canReachThroughAnUnknownInterfaceFails() {
        InterfaceSelectionException e = fails(canReach("10.9.9.9"), FakeInventory.vagrant().route("10.9.9.9", "tun7", "10.8.0.2"));
        assertTrue(e.getMessage().contains("unknown interface tun7"), e.getMessage());
    }

    // ---- --public-ip ----

    @Test
    void publicIpOverridesOnlyTheAdvertisedAddress() {
        InterfaceSelector.Options opts = new InterfaceSelector.Options(List.of("eth1"), List.of(), null, ip("203.0.113.7"));
        ExternalInterface e = InterfaceSelector.select(opts, FakeInventory.vagrant());
        assertEquals("eth1", e.iface().name());
        assertEquals(ip("192.168.56.11"), e.ifaceAddr());
        assertEquals(ip("203.0.113.7"), e.publicIp());
    }

    @Test
    void publicIpAloneStillSelectsByTheDefaultRoute() {
        InterfaceSelector.Options opts = new InterfaceSelector.Options(List.of(), List.of(), null, ip("203.0.113.7"));
        ExternalInterface e = InterfaceSelector.select(opts, FakeInventory.vagrant());
        assertEquals("eth0", e.iface().name());
        assertEquals(ip("10.0.2.15"), e.ifaceAddr());
        assertEquals(ip("203.0.113.7"), e.publicIp());
    }

    // ---- nothing matches: list everything, never fall back to the default route ----

    @Test
    void optionsGivenButNothingMatchingListsEveryInterfaceAndDoesNotFallBack() {
        FakeInventory inv = FakeInventory.vagrant().route("10.1.1.1", "eth0", "10.0.2.15");
        InterfaceSelector.Options opts = new InterfaceSelector.Options(List.of("enp0s8", "192.168.56.99"),
                List.of(Pattern.compile("^172\\.")), ip("198.51.100.1"), null);
        InterfaceSelectionException e = fails(opts, inv);
        String m = e.getMessage();
        assertTrue(m.contains("lo 127.0.0.1/8"), m);
        assertTrue(m.contains("eth0 10.0.2.15/24"), m);
        assertTrue(m.contains("eth1 192.168.56.11/24"), m);
        assertTrue(m.contains("--iface=enp0s8: no such interface"), m);
        assertTrue(m.contains("--iface=192.168.56.99: no interface has that address"), m);
        assertTrue(m.contains("--iface-regex=^172\\.: matches no address"), m);
        assertTrue(m.contains("--iface-can-reach=198.51.100.1"), m);
        assertNotNull(e.hint());
        assertTrue(e.hint().contains("--iface"), e.hint());
    }

    @Test
    void aSingleUnmatchedIfaceDoesNotFallBackToTheDefaultRoute() {
        InterfaceSelectionException e = fails(ifaces("eth9"), FakeInventory.vagrant());
        assertTrue(e.getMessage().contains(VAGRANT_LIST), e.getMessage());
        assertTrue(e.getMessage().contains("eth9"), e.getMessage());
    }

    @Test
    void anUnmatchedRegexDoesNotFallBackToTheDefaultRoute() {
        InterfaceSelectionException e = fails(regexes("^enp0s8$"), FakeInventory.vagrant());
        assertTrue(e.getMessage().contains(VAGRANT_LIST), e.getMessage());
    }

    // ---- interfaces without an IPv4 address ----

    @Test
    void interfaceWithoutIpv4AddressIsSkippedWithAReason() {
        FakeInventory inv = FakeInventory.vagrant().add("eth2", 1500);
        InterfaceSelectionException e = fails(ifaces("eth2"), inv);
        assertTrue(e.getMessage().contains("--iface=eth2: interface eth2 has no IPv4 address"), e.getMessage());
        assertTrue(e.getMessage().contains("eth2 (no IPv4 address)"), e.getMessage());

        assertChosen(InterfaceSelector.select(ifaces("eth2", "eth1"), inv), "eth1", "192.168.56.11");
    }

    @Test
    void regexNameMatchSkipsAnInterfaceWithoutAddress() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500).add("eth2", 1500, "192.168.56.11/24").defaultRoute("eth0");
        assertChosen(InterfaceSelector.select(regexes("^eth[12]$"), inv), "eth2", "192.168.56.11");
    }

    @Test
    void defaultRouteInterfaceWithoutAddressIsAnError() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500).add("eth1", 1500, "192.168.56.11/24")
                .defaultRoute("eth0");
        InterfaceSelectionException e = fails(InterfaceSelector.Options.none(), inv);
        assertTrue(e.getMessage().contains("eth0 has no IPv4 address"), e.getMessage());
    }

    @Test
    void interfaceWithoutMtuIsSkipped() {
        FakeInventory inv = FakeInventory.vagrant().add("eth2", 0, "172.16.0.2/24");
        InterfaceSelectionException e = fails(ifaces("eth2"), inv);
        assertTrue(e.getMessage().contains("eth2 reports no MTU"), e.getMessage());
    }

    // ---- listing ----

    @Test
    void othersExcludesLoopbackAndTheChosenOne() {
        FakeInventory inv = FakeInventory.vagrant();
        assertEquals(List.of("eth1 192.168.56.11/24"), InterfaceSelector.others(inv.get("eth0"), inv.interfaces()));
        assertEquals(List.of("eth0 10.0.2.15/24"), InterfaceSelector.others(inv.get("eth1"), inv.interfaces()));
    }

    @Test
    void othersListsUsableInterfacesFirst() {
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500)
                .add(new NetInterface("eth2", 4, 1500, false, false, List.of(Ip4Net.parseLoose("172.16.0.2/24"))))
                .add("eth3", 1500, "192.168.56.11/24").defaultRoute("eth0");
        List<String> others = InterfaceSelector.others(inv.get("eth0"), inv.interfaces());
        assertEquals(List.of("eth3 192.168.56.11/24", "eth1 (no IPv4 address)", "eth2 172.16.0.2/24 (down)"), others);
        assertFalse(others.stream().anyMatch(s -> s.startsWith("lo ")));
    }

    @Test
    void othersListsTheInterfaceOnEtcdsNetworkFirst() {
        // a docker-provider machine: Docker's own interface (renamed mgmt0) comes before the lab's eth1
        FakeInventory inv = new FakeInventory().loopback().add("eth0", 1500, "10.0.2.15/24")
                .add("mgmt0", 1500, "172.17.0.4/16").add("eth1", 1500, "192.168.57.12/24").defaultRoute("eth0");
        assertEquals(List.of("mgmt0 172.17.0.4/16", "eth1 192.168.57.12/24"), InterfaceSelector.others(inv.get("eth0"), inv.interfaces()));
        assertEquals(List.of("eth1 192.168.57.12/24", "mgmt0 172.17.0.4/16"),
                InterfaceSelector.others(inv.get("eth0"), inv.interfaces(), List.of(Ip4.parse("192.168.57.1"))));
    }

    @Test
    void listDescribesEveryInterface() {
        assertEquals(VAGRANT_LIST, InterfaceSelector.list(FakeInventory.vagrant().interfaces()));
        assertEquals("(none)", InterfaceSelector.list(List.of()));
        FakeInventory two = new FakeInventory().add("eth1", 1500, "192.168.56.11/24", "192.168.57.11/24");
        assertEquals("eth1 192.168.56.11/24, 192.168.57.11/24", InterfaceSelector.list(two.interfaces()));
    }
}
