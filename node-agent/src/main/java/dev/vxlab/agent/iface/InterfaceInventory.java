package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;
import java.util.List;
import java.util.Optional;

/** What the kernel knows about interfaces and routes, as far as interface selection needs it. */
public interface InterfaceInventory {

    /** Every interface in the kernel's order (by index). */
    List<NetInterface> interfaces();

    /** The name of the interface carrying the IPv4 default route, if there is one. */
    Optional<String> defaultRouteInterface();

    /** The interface and source address the kernel would use to reach {@code destination} (as {@code ip route get}). */
    Optional<RouteHint> routeTo(Ip4 destination);

    record RouteHint(String iface, Ip4 source) {
    }
}
