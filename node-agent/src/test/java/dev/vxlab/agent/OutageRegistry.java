package dev.vxlab.agent;

import dev.vxlab.agent.lease.InMemoryRegistry;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link InMemoryRegistry} behind a switch: {@link #down} makes the next calls fail as an unreachable etcd
 * does (recording when, by the agent's clock). It also records when the agent lists the leases, keeps
 * every watch listener (closed ones too: a test can play a late delivery of a closed watch), and can run code
 * inside the next list, i.e. in the middle of a resync.
 */
final class OutageRegistry implements SubnetRegistry {
    final InMemoryRegistry etcd;
    private final Clock clock;
    private int refuse;
    private Runnable duringNextList;
    final List<Instant> refused = new CopyOnWriteArrayList<>(); // read by a test thread too
    final List<Instant> listed = new ArrayList<>();
    final List<LeaseListener> listeners = new ArrayList<>();

    OutageRegistry(InMemoryRegistry etcd, Clock clock) {
        this.etcd = etcd;
        this.clock = clock;
    }

    /** The next {@code calls} calls fail (Integer.MAX_VALUE: all of them). */
    void down(int calls) {
        refuse = calls;
    }

    /** Runs {@code action} inside the next {@link #leases()}, before it reads. */
    void duringNextList(Runnable action) {
        duringNextList = action;
    }

    private void call() {
        if (refuse > 0) {
            refuse--;
            refused.add(clock.instant());
            throw new RegistryUnavailableException("etcdserver: connection refused", new ConnectException("connection refused"));
        }
    }

    @Override
    public Optional<String> networkConfig() {
        call();
        return etcd.networkConfig();
    }

    @Override
    public Snapshot leases() {
        call();
        listed.add(clock.instant());
        Runnable r = duringNextList;
        duringNextList = null;
        if (r != null) {
            r.run();
        }
        return etcd.leases();
    }

    @Override
    public Optional<Lease> get(Ip4Net subnet) {
        call();
        return etcd.get(subnet);
    }

    @Override
    public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        call();
        return etcd.create(subnet, attrs, ttl);
    }

    @Override
    public Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
        call();
        return etcd.replace(current, attrs, ttl);
    }

    @Override
    public void renew(Lease lease) {
        call();
        etcd.renew(lease);
    }

    @Override
    public void revoke(Lease lease) {
        call();
        etcd.revoke(lease);
    }

    @Override
    public AutoCloseable watch(long fromRevision, LeaseListener listener) {
        call();
        listeners.add(listener);
        return etcd.watch(fromRevision, listener);
    }
}
