package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where leases live: flannel's etcd v3 layout in production, a hand-written in-memory fake in unit tests.
 * Every method may throw {@link RegistryUnavailableException} when the store cannot be reached.
 */
public interface SubnetRegistry {

    /** All leases under the prefix, and the store revision at which they were read. */
    record Snapshot(List<Lease> leases, long revision) {
    }

    /** The raw JSON at {@code <prefix>/config}, or empty when the key does not exist. */
    Optional<String> networkConfig();

    Snapshot leases();

    Optional<Lease> get(Ip4Net subnet);

    /** Claims {@code subnet} only if its key is absent, attached to a new store lease of {@code ttl}. Empty: somebody holds it. */
    Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl);

    /**
     * Rewrites a lease this node already holds, under a new store lease of {@code ttl}, only if the key is
     * unchanged since {@code current} was read. Empty: it changed or vanished in between.
     */
    Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl);

    /** Extends the store lease behind {@code lease} by its TTL; throws {@link LeaseGoneException} when it no longer exists. */
    void renew(Lease lease);

    /** Deletes the lease (and its key). */
    void revoke(Lease lease);

    /** Streams changes under the subnets prefix from {@code fromRevision} on; close the handle to stop. */
    AutoCloseable watch(long fromRevision, LeaseListener listener);

    /** What a watch reports. Called on the registry's threads. */
    interface LeaseListener {
        void onChange(List<LeaseEvent> events);

        /** The watch ended (store unreachable, compacted revision); resync with {@link #leases()}. */
        void onError(Throwable cause);
    }

    /** A lease put (added or changed) or removed (deleted or expired); {@code lease} is null on removal. */
    record LeaseEvent(Ip4Net subnet, Lease lease, long revision) {
        public boolean removed() {
            return lease == null;
        }
    }
}
