package dev.vxlab.agent.lease;

import dev.vxlab.agent.net.Ip4Net;

/**
 * A subnet lease as stored in etcd: the subnet (from the key), its value, the etcd lease that keeps it alive,
 * and the key's create and mod revisions (the create revision orders two claims on one public IP).
 */
public record Lease(Ip4Net subnet, LeaseAttrs attrs, long etcdLeaseId, long createRevision, long modRevision) {

    public String holder() {
        return attrs.node() != null ? attrs.node().name() : "a node without vxlab identity (flanneld?)";
    }
}
