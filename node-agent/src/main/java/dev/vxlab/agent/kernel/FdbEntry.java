package dev.vxlab.agent.kernel;

import dev.vxlab.core.net.Ip4;
import java.util.Objects;

/** A permanent forwarding-database entry of a VXLAN device: frames for {@code mac} go to the peer at {@code dst}. */
public record FdbEntry(String mac, Ip4 dst, String dev) {
    @Override
    public boolean equals(Object o) {
        return o instanceof FdbEntry other && Objects.equals(mac, other.mac)
                && Objects.equals(dst, other.dst)
                && Objects.equals(dev, other.dev);
    }

    @Override
    public int hashCode() {
        return ((Objects.hashCode(mac)) * 31 + Objects.hashCode(dst)) * 31 + Objects.hashCode(dev);
    }
}
