package dev.vxlab.agent.netlink;

import dev.vxlab.agent.net.Ip4;
import dev.vxlab.agent.net.Ip4Net;

/** A route in the main table: {@code dst via via dev dev [onlink]}. */
public record Route(Ip4Net dst, Ip4 via, String dev, boolean onlink) {
}
