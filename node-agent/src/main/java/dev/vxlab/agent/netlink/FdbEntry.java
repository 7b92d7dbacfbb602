package dev.vxlab.agent.netlink;

import dev.vxlab.agent.net.Ip4;

/** A permanent forwarding-database entry of a VXLAN device: frames for {@code mac} go to the peer at {@code dst}. */
public record FdbEntry(String mac, Ip4 dst, String dev) {
}
