package dev.vxlab.agent.iface;

import dev.vxlab.core.net.Ip4;

/**
 * The interface that carries overlay traffic: the interface, the address on it that VXLAN packets leave from,
 * and the address advertised to other nodes (the same unless --public-ip overrides it). {@code how} says
 * which rule chose it, for the log.
 */
public record ExternalInterface(NetInterface iface, Ip4 ifaceAddr, Ip4 publicIp, String how) {
}
