package dev.vxlab.agent.netlink;

import dev.vxlab.agent.net.Ip4;

/** A permanent neighbour (ARP) entry: the peer's VTEP address inside the overlay, and its VTEP MAC, on {@code dev}. */
public record Neighbor(Ip4 ip, String mac, String dev) {
}
