package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import java.util.stream.Collectors;

/** One network interface as the selector sees it: name, kernel index, MTU, state and IPv4 addresses with prefix. */
public record NetInterface(String name, int index, int mtu, boolean up, boolean loopback, List<Ip4Net> addresses) {

    public boolean has(Ip4 ip) {
        return addresses.stream().anyMatch(a -> a.ip().equals(ip));
    }

    /** "eth1 192.168.56.11/24" or "eth2 (no IPv4 address)", as error messages list interfaces. */
    public String describe() {
        String addrs = addresses.isEmpty() ? "(no IPv4 address)"
                : addresses.stream().map(Ip4Net::toString).collect(Collectors.joining(", "));
        return name + " " + addrs + (up ? "" : " (down)");
    }
}
