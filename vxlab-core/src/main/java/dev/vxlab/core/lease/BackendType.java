package dev.vxlab.core.lease;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The backends vxlabd knows, by the name flannel's schema gives them: the network config's {@code Backend.Type}
 * and the lease value's {@code BackendType}. A lease of a type that is not here (flanneld's "udp") is still
 * read, and ignored by the data plane; a network config naming one is refused, listing these names.
 * Each type has its implementation in a package of its own under backend/, registered in
 * {@code dev.vxlab.agent.Backends}.
 */
public enum BackendType {
    VXLAN("vxlan"),
    HOST_GW("host-gw");

    private final String wireName;

    BackendType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the network config and the lease JSON ("vxlan", "host-gw"). */
    public String wireName() {
        return wireName;
    }

    /** The type named {@code wireName} in JSON, or empty when vxlabd does not know it. */
    public static Optional<BackendType> byName(String wireName) {
        for (BackendType t : values()) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Every known name, sorted. */
    public static Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (BackendType t : values()) {
            names.add(t.wireName);
        }
        return names;
    }

    /** The wire name, so that logs and messages read as the config does. */
    @Override
    public String toString() {
        return wireName;
    }
}
