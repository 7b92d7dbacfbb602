package dev.vxlab.agent.kernel;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;

/**
 * A VXLAN device as it is in the kernel, or as it should be. {@code lowerDev} is the external interface,
 * {@code local} its address. State fields ({@code mtu}, {@code up}, {@code addresses}) may be absent (0,
 * false, empty) in a spec for creation.
 */
public record VxlanLink(String name, int vni, String lowerDev, Ip4 local, int port, boolean learning, String mac,
                        int mtu, boolean up, List<Ip4Net> addresses) {

    /** What makes an existing device unusable, in flannel's words ("vni: 1 vs 7"), or null when it is compatible. */
    public String incompatibility(VxlanLink wanted) {
        if (vni != wanted.vni) {
            return "vni: " + wanted.vni + " vs " + vni;
        }
        if (wanted.lowerDev != null && !wanted.lowerDev.equals(lowerDev)) {
            return "vtep device: " + wanted.lowerDev + " vs " + lowerDev;
        }
        if (wanted.local != null && !wanted.local.equals(local)) {
            return "vtep address: " + wanted.local + " vs " + local;
        }
        if (wanted.port != port) {
            return "port: " + wanted.port + " vs " + port;
        }
        return null;
    }
}
