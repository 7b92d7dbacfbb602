package dev.vxlab.agent.kernel;

import dev.vxlab.core.net.Ip4;
import java.util.Objects;

/** A permanent neighbour (ARP) entry: the peer's VTEP address inside the overlay, and its VTEP MAC, on {@code dev}. */
public record Neighbor(Ip4 ip, String mac, String dev) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Neighbor other && Objects.equals(ip, other.ip)
                && Objects.equals(mac, other.mac)
                && Objects.equals(dev, other.dev);
    }

    @Override
    public int hashCode() {
        return ((Objects.hashCode(ip)) * 31 + Objects.hashCode(mac)) * 31 + Objects.hashCode(dev);
    }
}
