package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-written {@link InterfaceInventory}: interfaces, a default route and route hints set up by the test. */
public final class FakeInventory implements InterfaceInventory {
    private final List<NetInterface> interfaces = new ArrayList<>();
    private final Map<Ip4, RouteHint> routes = new HashMap<>();
    private String defaultRoute;
    final List<Ip4> routeLookups = new ArrayList<>();

    /** lo 127.0.0.1/8, eth0 10.0.2.15/24 with the default route (Vagrant's NAT), eth1 192.168.56.11/24. */
    public static FakeInventory vagrant() {
        return new FakeInventory()
                .loopback()
                .add("eth0", 1500, "10.0.2.15/24")
                .add("eth1", 1500, "192.168.56.11/24")
                .defaultRoute("eth0");
    }

    FakeInventory loopback() {
        interfaces.add(new NetInterface("lo", interfaces.size() + 1, 65536, true, true, List.of(Ip4Net.parseLoose("127.0.0.1/8"))));
        return this;
    }

    FakeInventory add(String name, int mtu, String... addresses) {
        return add(new NetInterface(name, interfaces.size() + 1, mtu, true, false,
                Arrays.stream(addresses).map(Ip4Net::parseLoose).toList()));
    }

    FakeInventory add(NetInterface i) {
        interfaces.add(i);
        return this;
    }

    FakeInventory defaultRoute(String iface) {
        this.defaultRoute = iface;
        return this;
    }

    FakeInventory route(String destination, String iface, String source) {
        routes.put(Ip4.parse(destination), new RouteHint(iface, source == null ? null : Ip4.parse(source)));
        return this;
    }

    NetInterface get(String name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public List<NetInterface> interfaces() {
        return List.copyOf(interfaces);
    }

    @Override
    public Optional<String> defaultRouteInterface() {
        return Optional.ofNullable(defaultRoute);
    }

    @Override
    public Optional<RouteHint> routeTo(Ip4 destination) {
        routeLookups.add(destination);
        return Optional.ofNullable(routes.get(destination));
    }
}
