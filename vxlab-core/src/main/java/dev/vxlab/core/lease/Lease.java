package dev.vxlab.core.lease;

import dev.vxlab.core.net.Ip4Net;
import java.util.Optional;

/**
 * A subnet lease as stored in etcd: the subnet (from the key), its value, the etcd lease that keeps it alive,
 * and the key's create and mod revisions (the create revision orders two claims on one public IP).
 */
public record Lease(Ip4Net subnet, LeaseAttrs attrs, long etcdLeaseId, long createRevision, long modRevision) {

    public String holder() {
        return attrs.node() != null ? attrs.node().name() : "a node without vxlab identity (flanneld?)";
    }

    /**
     * The lease an etcd key and value hold: empty when {@code key} names no subnet under {@code prefix} (the
     * config key, a stray key); {@link IllegalArgumentException} when the value is not a lease's JSON.
     */
    public static Optional<Lease> decode(String prefix, String key, String value, long etcdLease, long createRevision, long modRevision) {
        Optional<Ip4Net> subnet = SubnetKey.parse(prefix, key);
        if (subnet.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(subnet.get(), LeaseAttrs.fromJson(value), etcdLease, createRevision, modRevision));
    }
}
