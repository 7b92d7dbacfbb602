package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A hand-written, stateful, thread-safe {@link SubnetRegistry} that keeps revisions the way etcd does: one
 * global revision, incremented by every write (a revoke that deletes several keys is one write); each key
 * carries its create and mod revision; create succeeds only when the key is absent; replace only when the
 * key's mod revision is the one read; each lease key is attached to a store lease (an id with a TTL), and
 * revoking or expiring that store lease deletes every key attached to it.
 *
 * <p>Test helpers: {@link #seed} claims a subnet for another node without running hooks, {@link #beforeCreate}
 * runs code just before a {@link #create} takes effect (to let another node win a race) and
 * {@link #afterCreate} just after one succeeded, {@link #expire} simulates a TTL running out, {@link #deleteKey}
 * an {@code etcdctl del}. Watches replay the recorded history from the asked revision and then receive each
 * change synchronously on the writing thread.
 */
public final class InMemoryRegistry implements SubnetRegistry {
    private final Map<Ip4Net, Lease> keys = new TreeMap<>();
    private final Map<Long, Duration> storeLeases = new HashMap<>();
    private final List<LeaseEvent> history = new ArrayList<>();
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private long revision;
    private long nextLeaseId = 0x7a00;
    private String networkConfig;
    private volatile BiConsumer<Ip4Net, LeaseAttrs> beforeCreate = (s, a) -> { };
    private volatile Consumer<Lease> afterCreate = l -> { };

    // counters for assertions
    private int creates;
    private int failedCreates;
    private int replaces;
    private int renewals;
    private int revokes;

    public InMemoryRegistry() {
    }

    public InMemoryRegistry(String networkConfig) {
        this.networkConfig = networkConfig;
    }

    // ---- SubnetRegistry ----

    @Override
    public synchronized Optional<String> networkConfig() {
        return Optional.ofNullable(networkConfig);
    }

    @Override
    public synchronized Snapshot leases() {
        return new Snapshot(List.copyOf(keys.values()), revision);
    }

    @Override
    public synchronized Optional<Lease> get(Ip4Net subnet) {
        return Optional.ofNullable(keys.get(subnet));
    }

    @Override
    public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        beforeCreate.accept(subnet, attrs);
        Optional<Lease> l;
        synchronized (this) {
            creates++;
            l = seed(subnet, attrs, ttl);
            if (l.isEmpty()) {
                failedCreates++;
            }
        }
        l.ifPresent(afterCreate);
        return l;
    }

    @Override
    public synchronized Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
        Lease now = keys.get(current.subnet());
        if (now == null || now.modRevision() != current.modRevision()) {
            return Optional.empty();
        }
        replaces++;
        long id = grant(ttl);
        revision++;
        Lease l = new Lease(current.subnet(), attrs, id, now.createRevision(), revision);
        keys.put(current.subnet(), l);
        publish(List.of(new LeaseEvent(l.subnet(), l, revision)));
        // the key now lives on the new store lease; the old one is revoked, with any other key still on it
        if (now.etcdLeaseId() != 0 && storeLeases.remove(now.etcdLeaseId()) != null) {
            List<LeaseEvent> more = deleteAttached(now.etcdLeaseId(), revision + 1);
            if (!more.isEmpty()) {
                revision++;
                publish(more);
            }
        }
        return Optional.of(l);
    }

    @Override
    public synchronized void renew(Lease lease) {
        if (!storeLeases.containsKey(lease.etcdLeaseId())) {
            throw new LeaseGoneException("store lease " + Long.toHexString(lease.etcdLeaseId()) + " of " + lease.subnet()
                    + " no longer exists");
        }
        renewals++;
    }

    @Override
    public synchronized void revoke(Lease lease) {
        revokes++;
        if (lease.etcdLeaseId() != 0 && storeLeases.remove(lease.etcdLeaseId()) != null) {
            List<LeaseEvent> events = deleteAttached(lease.etcdLeaseId(), revision + 1);
            if (!events.isEmpty()) {
                revision++;
                publish(events);
            }
            return;
        }
        // as EtcdRegistry: only the version that was read, never a lease claimed since
        Lease current = keys.get(lease.subnet());
        if (current != null && current.modRevision() == lease.modRevision()) {
            deleteKey(lease.subnet());
        }
    }

    @Override
    public synchronized AutoCloseable watch(long fromRevision, LeaseListener listener) {
        List<LeaseEvent> replay = history.stream().filter(e -> e.revision() >= fromRevision).toList();
        if (!replay.isEmpty()) {
            listener.onChange(replay);
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- test helpers ----

    /** Claims {@code subnet} if absent, like {@link #create} but without running the {@link #beforeCreate} hook. */
    public synchronized Optional<Lease> seed(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        if (keys.containsKey(subnet)) {
            return Optional.empty();
        }
        long id = grant(ttl);
        revision++;
        Lease l = new Lease(subnet, attrs, id, revision, revision);
        keys.put(subnet, l);
        publish(List.of(new LeaseEvent(subnet, l, revision)));
        return Optional.of(l);
    }

    /** {@link #seed} with a 24 h TTL, failing when the subnet is taken. */
    public Lease seed(Ip4Net subnet, LeaseAttrs attrs) {
        return seed(subnet, attrs, Duration.ofHours(24)).orElseThrow(() -> new IllegalStateException(subnet + " is taken"));
    }

    /** Runs {@code hook} before each {@link #create} takes effect, outside the registry's lock. */
    public void beforeCreate(BiConsumer<Ip4Net, LeaseAttrs> hook) {
        this.beforeCreate = hook == null ? (s, a) -> { } : hook;
    }

    /** Runs {@code hook} after each successful {@link #create}, outside the registry's lock, before it returns. */
    public void afterCreate(Consumer<Lease> hook) {
        this.afterCreate = hook == null ? l -> { } : hook;
    }

    /** The store lease behind {@code subnet} runs out: it and every key attached to it are gone. */
    public synchronized void expire(Ip4Net subnet) {
        Lease l = keys.get(subnet);
        if (l == null) {
            throw new IllegalStateException(subnet + " has no lease");
        }
        if (l.etcdLeaseId() == 0) {
            deleteKey(subnet);
            return;
        }
        storeLeases.remove(l.etcdLeaseId());
        revision++;
        publish(deleteAttached(l.etcdLeaseId(), revision));
    }

    /** Deletes the key only, as {@code etcdctl del} does; its store lease lives on. True when it existed. */
    public synchronized boolean deleteKey(Ip4Net subnet) {
        if (keys.remove(subnet) == null) {
            return false;
        }
        revision++;
        publish(List.of(new LeaseEvent(subnet, null, revision)));
        return true;
    }

    public synchronized void setNetworkConfig(String json) {
        this.networkConfig = json;
    }

    /** Every watcher's watch fails (etcd unreachable, compaction). */
    public void failWatches(Throwable cause) {
        for (LeaseListener l : listeners) {
            l.onError(cause);
        }
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized int size() {
        return keys.size();
    }

    public synchronized boolean storeLeaseAlive(long id) {
        return storeLeases.containsKey(id);
    }

    public synchronized Optional<Duration> storeLeaseTtl(long id) {
        return Optional.ofNullable(storeLeases.get(id));
    }

    public synchronized List<LeaseEvent> history() {
        return List.copyOf(history);
    }

    public synchronized int creates() {
        return creates;
    }

    public synchronized int failedCreates() {
        return failedCreates;
    }

    public synchronized int replaces() {
        return replaces;
    }

    public synchronized int renewals() {
        return renewals;
    }

    public synchronized int revokes() {
        return revokes;
    }

    public int watchers() {
        return listeners.size();
    }

    // ---- internals (called with the lock held) ----

    private long grant(Duration ttl) {
        long id = nextLeaseId++;
        storeLeases.put(id, ttl);
        return id;
    }

    private List<LeaseEvent> deleteAttached(long storeLeaseId, long atRevision) {
        List<LeaseEvent> events = new ArrayList<>();
        keys.values().removeIf(l -> {
            if (l.etcdLeaseId() == storeLeaseId) {
                events.add(new LeaseEvent(l.subnet(), null, atRevision));
                return true;
            }
            return false;
        });
        return events;
    }

    private void publish(List<LeaseEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        history.addAll(events);
        for (LeaseListener l : listeners) {
            l.onChange(events);
        }
    }
}
