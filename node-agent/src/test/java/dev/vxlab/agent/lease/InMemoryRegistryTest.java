package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fake must behave like etcd where the lease logic depends on it, or the lease tests prove nothing. */
class InMemoryRegistryTest {
    private static final Duration TTL = Duration.ofHours(24);
    private static final Ip4Net A = Ip4Net.parse("10.244.1.0/24");
    private static final Ip4Net B = Ip4Net.parse("10.244.2.0/24");

    private final InMemoryRegistry registry = new InMemoryRegistry("{\"Network\":\"10.244.0.0/16\"}");

    private static LeaseAttrs attrs(String node) {
        return LeaseAttrs.vxlan(Ip4.parse("192.168.56.11"), 1, "0e:00:00:00:00:01", new LeaseAttrs.NodeIdentity(node, "eth1"));
    }

    @Test
    void everyWriteIncrementsTheGlobalRevision() {
        assertEquals(0, registry.revision());
        Lease a = registry.create(A, attrs("kube1"), TTL).orElseThrow();
        assertEquals(1, registry.revision());
        assertEquals(1, a.createRevision());
        assertEquals(1, a.modRevision());
        Lease b = registry.create(B, attrs("kube2"), TTL).orElseThrow();
        assertEquals(2, b.createRevision());
        Lease a2 = registry.replace(a, attrs("kube1"), TTL).orElseThrow();
        assertEquals(1, a2.createRevision());
        assertEquals(3, a2.modRevision());
        registry.revoke(b);
        assertEquals(4, registry.revision());
        SubnetRegistry.Snapshot snap = registry.leases();
        assertEquals(List.of(a2), snap.leases());
        assertEquals(4, snap.revision());
        assertEquals(Optional.of("{\"Network\":\"10.244.0.0/16\"}"), registry.networkConfig());
    }

    @Test
    void createOnlyIfAbsent() {
        registry.create(A, attrs("kube1"), TTL).orElseThrow();
        long rev = registry.revision();
        assertTrue(registry.create(A, attrs("kube2"), TTL).isEmpty());
        assertEquals(rev, registry.revision());
        assertEquals("kube1", registry.get(A).orElseThrow().holder());
    }

    @Test
    void replaceOnlyIfUnchanged() {
        Lease a = registry.create(A, attrs("kube1"), TTL).orElseThrow();
        Lease a2 = registry.replace(a, attrs("kube1"), TTL).orElseThrow();
        assertTrue(registry.replace(a, attrs("kube1"), TTL).isEmpty(), "stale mod revision");
        assertFalse(registry.storeLeaseAlive(a.etcdLeaseId()));
        assertTrue(registry.storeLeaseAlive(a2.etcdLeaseId()));
        registry.deleteKey(A);
        assertTrue(registry.replace(a2, attrs("kube1"), TTL).isEmpty(), "vanished");
    }

    @Test
    void renewThrowsOnceTheStoreLeaseIsGone() {
        Lease a = registry.create(A, attrs("kube1"), TTL).orElseThrow();
        registry.renew(a);
        assertEquals(1, registry.renewals());
        registry.revoke(a);
        assertTrue(registry.get(A).isEmpty());
        assertThrows(LeaseGoneException.class, () -> registry.renew(a));
    }

    @Test
    void deletingTheKeyKeepsTheStoreLeaseAndExpiryRemovesBoth() {
        Lease a = registry.create(A, attrs("kube1"), TTL).orElseThrow();
        assertTrue(registry.deleteKey(A));
        assertTrue(registry.storeLeaseAlive(a.etcdLeaseId()));
        Lease b = registry.create(B, attrs("kube2"), TTL).orElseThrow();
        registry.expire(B);
        assertTrue(registry.get(B).isEmpty());
        assertFalse(registry.storeLeaseAlive(b.etcdLeaseId()));
    }

    @Test
    void revokingAStaleLeaseLeavesTheLeaseClaimedSince() {
        Lease a = registry.create(A, attrs("kube1"), TTL).orElseThrow();
        registry.expire(A);
        Lease again = registry.create(A, attrs("kube2"), TTL).orElseThrow();
        registry.revoke(a); // store lease gone, and the key was claimed again since: EtcdRegistry leaves it alone
        assertEquals(again, registry.get(A).orElseThrow());
        assertTrue(registry.storeLeaseAlive(again.etcdLeaseId()));
    }

    @Test
    void watchReplaysFromTheRevisionAndThenStreams() throws Exception {
        registry.create(A, attrs("kube1"), TTL).orElseThrow();
        Lease b = registry.create(B, attrs("kube2"), TTL).orElseThrow();
        List<SubnetRegistry.LeaseEvent> seen = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        AutoCloseable handle = registry.watch(2, new SubnetRegistry.LeaseListener() {
            @Override
            public void onChange(List<SubnetRegistry.LeaseEvent> events) {
                seen.addAll(events);
            }

            @Override
            public void onError(Throwable cause) {
                errors.add(cause);
            }
        });
        assertEquals(1, seen.size());
        assertEquals(B, seen.get(0).subnet());
        registry.revoke(b);
        assertEquals(2, seen.size());
        assertTrue(seen.get(1).removed());
        assertEquals(3, seen.get(1).revision());
        registry.failWatches(new IllegalStateException("compacted"));
        assertEquals(1, errors.size());
        handle.close();
        assertEquals(0, registry.watchers());
        registry.create(B, attrs("kube3"), TTL).orElseThrow();
        assertEquals(2, seen.size());
    }
}
