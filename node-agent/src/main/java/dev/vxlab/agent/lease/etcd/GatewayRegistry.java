package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flannel's etcd v3 layout (as {@link EtcdRegistry} writes it) through etcd's JSON gateway: one HTTP/1.1 POST per
 * call over a plain or TLS socket ({@link GatewayKv}), the watch as a chunked stream ({@link GatewayWatch}).
 *
 * <p>Why: loading gRPC, Netty and protobuf for a dozen calls an hour was most of the agent's start (about 0.5 s
 * of class loading) and of its memory (BENCHMARKS.md, issue 13). The gateway speaks the same API on the same
 * client URLs, TLS and users, and is on by default since etcd 3.4.
 *
 * <p>Claims are transactions as with gRPC: create if the key's create revision is 0, replace if its mod revision
 * is the one read; each on a fresh etcd lease, revoked when the claim loses. Socket failures, timeouts and 5xx
 * answers of every endpoint are {@link RegistryUnavailableException}. A gateway that is off (a plain-text 404),
 * or one that cannot act for this client at its first answer (5xx), is {@link GatewayUnavailableException}:
 * {@link FallbackRegistry} switches to gRPC then.
 */
public final class GatewayRegistry implements SubnetRegistry, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayRegistry.class);

    private final GatewayClient client;
    private final GatewayKv kv;
    private final String prefix;
    private final Duration timeout;
    private volatile boolean answered; // the gateway has served a call: a 5xx from now on is etcd's trouble, not the gateway's

    /** A call to etcd through {@link GatewayKv}. */
    private interface Call<T> {
        T run() throws IOException;
    }

    public GatewayRegistry(EtcdSettings s) {
        this(s.gatewayClient(), s.prefix(), s.timeout());
    }

    GatewayRegistry(GatewayClient client, String prefix, Duration timeout) {
        this.client = client;
        this.kv = new GatewayKv(client);
        this.prefix = prefix;
        this.timeout = timeout;
    }

    @Override
    public Optional<String> networkConfig() {
        String key = SubnetKey.config(prefix);
        return call("read " + key, () -> kv.get(key)).map(GatewayKv.Kv::value);
    }

    @Override
    public Snapshot leases() {
        String dir = SubnetKey.subnetsDir(prefix);
        GatewayKv.Range r = call("list " + dir, () -> kv.rangePrefix(dir));
        List<Lease> leases = new ArrayList<>(r.kvs().size());
        for (GatewayKv.Kv e : r.kvs()) {
            toLease(e).ifPresent(leases::add);
        }
        return new Snapshot(leases, r.revision());
    }

    @Override
    public Optional<Lease> get(Ip4Net subnet) {
        String key = SubnetKey.of(prefix, subnet);
        return call("read " + key, () -> kv.get(key)).flatMap(this::toLease);
    }

    @Override
    public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        String key = SubnetKey.of(prefix, subnet);
        long id = grant(ttl);
        GatewayKv.TxnResult r = call("claim " + key, () -> kv.putIf(GatewayKv.Compare.absent(key), key, attrs.toJson(), id));
        if (!r.succeeded()) {
            revokeQuietly(id);
            return Optional.empty();
        }
        return Optional.of(new Lease(subnet, attrs, id, r.revision(), r.revision()));
    }

    @Override
    public Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
        String key = SubnetKey.of(prefix, current.subnet());
        long id = grant(ttl);
        GatewayKv.TxnResult r = call("renew claim on " + key,
                () -> kv.putIf(GatewayKv.Compare.modRevision(key, current.modRevision()), key, attrs.toJson(), id));
        if (!r.succeeded()) {
            revokeQuietly(id);
            return Optional.empty();
        }
        if (current.etcdLeaseId() != 0) {
            revokeQuietly(current.etcdLeaseId()); // the key now lives on the new lease
        }
        return Optional.of(new Lease(current.subnet(), attrs, id, current.createRevision(), r.revision()));
    }

    @Override
    public void renew(Lease lease) {
        String id = Long.toHexString(lease.etcdLeaseId());
        if (call("renew etcd lease", () -> kv.keepAlive(lease.etcdLeaseId())).isEmpty()) {
            throw new LeaseGoneException("etcd lease " + id + " of " + lease.subnet() + " no longer exists");
        }
    }

    @Override
    public void revoke(Lease lease) {
        if (lease.etcdLeaseId() != 0 && call("revoke etcd lease", () -> kv.revoke(lease.etcdLeaseId()))) {
            return;
        }
        // the etcd lease is already gone (or there was none): delete the key, only the version that was read,
        // never a lease someone else claimed since
        String key = SubnetKey.of(prefix, lease.subnet());
        call("delete lease " + lease.subnet(), () -> kv.deleteIf(GatewayKv.Compare.modRevision(key, lease.modRevision()), key));
    }

    @Override
    public AutoCloseable watch(long fromRevision, LeaseListener listener) {
        String dir = SubnetKey.subnetsDir(prefix);
        return call("watch " + dir, () -> {
            try {
                return GatewayWatch.open(client, dir, fromRevision, events -> LeaseRecords.deliver(prefix, events, listener),
                        listener::onError);
            } catch (GatewayWatch.Refused e) {
                // etcd cancelled the watch at once: the gateway cannot act for this client (see EtcdRegistry.watch)
                throw new GatewayUnavailableException("etcd's JSON gateway refused the lease watch (" + e.getMessage() + ")", e);
            }
        });
    }

    private Optional<Lease> toLease(GatewayKv.Kv e) {
        return LeaseRecords.decode(prefix, e.key(), e.value(), e.lease(), e.createRevision(), e.modRevision());
    }

    private long grant(Duration ttl) {
        return call("grant etcd lease", () -> kv.grant(Math.max(1, ttl.toSeconds())));
    }

    private void revokeQuietly(long id) {
        try {
            call("revoke etcd lease", () -> kv.revoke(id));
        } catch (RuntimeException e) {
            log.debug("revoking etcd lease {} failed: {}", Long.toHexString(id), e.getMessage());
        }
    }

    private <T> T call(String what, Call<T> call) {
        try {
            T result = call.run();
            answered = true;
            return result;
        } catch (GatewayClient.StatusException e) {
            if (e.gatewayOff()) {
                throw new GatewayUnavailableException("etcd's JSON gateway is off (" + what + ": " + e.getMessage()
                        + "; etcd serves it unless started with --enable-grpc-gateway=false)", e);
            }
            if (cannotActForClient(e, answered)) {
                throw new GatewayUnavailableException("etcd's JSON gateway cannot act for this client (" + what + ": " + e.getMessage()
                        + "; with --client-cert-auth it dials etcd with the server's certificate)", e);
            }
            throw new RegistryUnavailableException("etcd request failed (" + what + "): " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new RegistryUnavailableException("etcd did not answer within " + timeout.toSeconds() + "s (" + what + ")", e);
        } catch (IOException e) {
            throw new RegistryUnavailableException("etcd request failed (" + what + "): " + e.getMessage(), e);
        }
    }

    /**
     * A 5xx before the gateway ever served this client, and not an error of etcd's own ("etcdserver: no leader",
     * "etcdserver: request timed out": those pass, and gRPC would meet them too): the gateway's own dial to etcd
     * failed — {@code {"error":"connection closed","code":14}} when --client-cert-auth refuses the server's
     * certificate it dials with.
     */
    static boolean cannotActForClient(GatewayClient.StatusException e, boolean answered) {
        return !answered && e.status >= 500 && !e.body.contains("etcdserver:");
    }

    @Override
    public void close() {
        // one connection per call: nothing held between calls (an open watch is closed through its own handle)
    }
}
