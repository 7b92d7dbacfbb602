package dev.vxlab.agent.kernel;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.Objects;

/** A route in the main table: {@code dst via via dev dev [onlink]}. */
public record Route(Ip4Net dst, Ip4 via, String dev, boolean onlink) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Route other && Objects.equals(dst, other.dst)
                && Objects.equals(via, other.via)
                && Objects.equals(dev, other.dev)
                && onlink == other.onlink;
    }

    @Override
    public int hashCode() {
        return (((Objects.hashCode(dst)) * 31 + Objects.hashCode(via)) * 31 + Objects.hashCode(dev)) * 31 + (onlink ? 1 : 0);
    }
}
