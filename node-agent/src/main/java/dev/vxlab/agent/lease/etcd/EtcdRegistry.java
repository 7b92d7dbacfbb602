package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4Net;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flannel's etcd v3 layout through jetcd: {@code <prefix>/config}, and one key per lease under
 * {@code <prefix>/subnets/}, each attached to an etcd lease of the lease TTL. Claims are transactions
 * (create: the key's version is 0; replace: its mod revision is the one read). Every call has a deadline so
 * that an unreachable etcd shows up as {@link RegistryUnavailableException} instead of a hang.
 */
public final class EtcdRegistry implements SubnetRegistry, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);

    private final Client client;
    private final GatewayClient gateway;
    private final String prefix;
    private final Duration timeout;
    private volatile boolean gatewayOff;

    public EtcdRegistry(EtcdSettings s) {
        this.prefix = s.prefix();
        this.timeout = s.timeout();
        ClientBuilder b = Client.builder()
                .endpoints(s.endpoints().toArray(URI[]::new))
                .connectTimeout(s.timeout())
                .retryMaxDuration(s.timeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5));
        if (s.username() != null) {
            b.user(bytes(s.username())).password(bytes(s.password() == null ? "" : s.password()));
        }
        if (s.caFile() != null || s.certFile() != null) {
            try {
                b.sslContext(ssl -> {
                    if (s.caFile() != null) {
                        ssl.trustManager(s.caFile().toFile());
                    }
                    if (s.certFile() != null) {
                        ssl.keyManager(s.certFile().toFile(), s.keyFile().toFile());
                    }
                });
            } catch (SSLException | IllegalArgumentException e) {
                throw EtcdSettings.tlsUnusable(e);
            }
        }
        this.client = b.build();
        try {
            this.gateway = s.gatewayClient();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public Optional<String> networkConfig() {
        GetResponse r = await(client.getKVClient().get(bytes(SubnetKey.config(prefix))), "read " + SubnetKey.config(prefix));
        return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    @Override
    public Snapshot leases() {
        String dir = SubnetKey.subnetsDir(prefix);
        GetResponse r = await(client.getKVClient().get(bytes(dir), GetOption.builder().isPrefix(true).build()), "list " + dir);
        List<Lease> leases = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            toLease(kv).ifPresent(leases::add);
        }
        return new Snapshot(leases, r.getHeader().getRevision());
    }

    @Override
    public Optional<Lease> get(Ip4Net subnet) {
        String key = SubnetKey.of(prefix, subnet);
        GetResponse r = await(client.getKVClient().get(bytes(key)), "read " + key);
        return r.getKvs().stream().findFirst().flatMap(this::toLease);
    }

    @Override
    public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        ByteSequence key = bytes(SubnetKey.of(prefix, subnet));
        long id = grant(ttl);
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, bytes(attrs.toJson()), PutOption.builder().withLeaseId(id).build()))
                .commit(), "claim " + key);
        if (!r.isSucceeded()) {
            revokeQuietly(id);
            return Optional.empty();
        }
        long rev = r.getHeader().getRevision();
        return Optional.of(new Lease(subnet, attrs, id, rev, rev));
    }

    @Override
    public Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
        ByteSequence key = bytes(SubnetKey.of(prefix, current.subnet()));
        long id = grant(ttl);
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision())))
                .Then(Op.put(key, bytes(attrs.toJson()), PutOption.builder().withLeaseId(id).build()))
                .commit(), "renew claim on " + key);
        if (!r.isSucceeded()) {
            revokeQuietly(id);
            return Optional.empty();
        }
        if (current.etcdLeaseId() != 0) {
            revokeQuietly(current.etcdLeaseId()); // the key now lives on the new lease
        }
        return Optional.of(new Lease(current.subnet(), attrs, id, current.createRevision(), r.getHeader().getRevision()));
    }

    @Override
    public void renew(Lease lease) {
        try {
            long ttl = await(client.getLeaseClient().keepAliveOnce(lease.etcdLeaseId()), "renew etcd lease").getTTL();
            if (ttl <= 0) {
                throw new LeaseGoneException("etcd lease " + Long.toHexString(lease.etcdLeaseId()) + " of " + lease.subnet() + " has expired");
            }
        } catch (NotFound e) {
            throw new LeaseGoneException("etcd lease " + Long.toHexString(lease.etcdLeaseId()) + " of " + lease.subnet() + " no longer exists");
        }
    }

    /** How long the etcd lease behind {@code lease} has left, or empty when it is gone (for `vxlab status`). */
    public Optional<Duration> timeToLive(Lease lease) {
        long ttl = await(client.getLeaseClient().timeToLive(lease.etcdLeaseId(), io.etcd.jetcd.options.LeaseOption.DEFAULT),
                "read the TTL of " + lease.subnet()).getTTL();
        return ttl < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(ttl));
    }

    @Override
    public void revoke(Lease lease) {
        if (lease.etcdLeaseId() != 0) {
            try {
                await(client.getLeaseClient().revoke(lease.etcdLeaseId()), "revoke etcd lease");
                return;
            } catch (NotFound e) {
                // already gone; delete the key below in case it was not attached
            }
        }
        // only the version that was read: never a lease someone else claimed since
        ByteSequence key = bytes(SubnetKey.of(prefix, lease.subnet()));
        await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(lease.modRevision())))
                .Then(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT))
                .commit(), "delete lease " + lease.subnet());
    }

    /**
     * Watches through etcd's JSON gateway (a socket read and a small JSON parse per event, where gRPC's HTTP/2
     * and protobuf path costs an agent several ms of CPU per event, times every agent of the cluster); through
     * gRPC, for the life of this registry, when the gateway is off ({@code --enable-grpc-gateway=false}) or
     * refuses the watch.
     */
    @Override
    public AutoCloseable watch(long fromRevision, LeaseListener listener) {
        String dir = SubnetKey.subnetsDir(prefix);
        if (!gatewayOff) {
            try {
                return GatewayWatch.open(gateway, dir, fromRevision, events -> deliver(events, listener), listener::onError);
            } catch (GatewayClient.StatusException | GatewayWatch.Refused e) {
                // 404: the gateway is off or etcd is older than 3.4; 503 or a watch cancelled at once: the gateway
                // cannot act for this client (with --client-cert-auth it dials etcd with the server's certificate;
                // it does not support auth by a client certificate's CN). gRPC does all of that.
                gatewayOff = true;
                log.info("etcd's JSON gateway cannot serve the lease watch ({}); watching leases through gRPC", e.getMessage());
            } catch (IOException e) {
                throw new RegistryUnavailableException("cannot watch " + dir + ": " + e.getMessage(), e);
            }
        }
        return grpcWatch(dir, fromRevision, listener);
    }

    private void deliver(List<WatchMessage.Event> events, LeaseListener listener) {
        LeaseRecords.deliver(prefix, events, listener);
    }

    private AutoCloseable grpcWatch(String dir, long fromRevision, LeaseListener listener) {
        WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
        return client.getWatchClient().watch(bytes(dir), opt, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                List<WatchMessage.Event> events = new ArrayList<>();
                for (WatchEvent e : response.getEvents()) {
                    KeyValue kv = e.getKeyValue();
                    if (e.getEventType() == WatchEvent.EventType.DELETE || e.getEventType() == WatchEvent.EventType.PUT) {
                        events.add(new WatchMessage.Event(e.getEventType() == WatchEvent.EventType.DELETE,
                                kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8),
                                kv.getLease(), kv.getCreateRevision(), kv.getModRevision()));
                    }
                }
                deliver(events, listener);
            }

            @Override
            public void onError(Throwable t) {
                listener.onError(t);
            }

            @Override
            public void onCompleted() {
                listener.onError(new IllegalStateException("watch on " + dir + " ended"));
            }
        });
    }

    private Optional<Lease> toLease(KeyValue kv) {
        return LeaseRecords.decode(prefix, kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8),
                kv.getLease(), kv.getCreateRevision(), kv.getModRevision());
    }

    private long grant(Duration ttl) {
        return await(client.getLeaseClient().grant(Math.max(1, ttl.toSeconds())), "grant etcd lease").getID();
    }

    private void revokeQuietly(long id) {
        try {
            await(client.getLeaseClient().revoke(id), "revoke etcd lease");
        } catch (RuntimeException e) {
            log.debug("revoking etcd lease {} failed: {}", Long.toHexString(id), e.getMessage());
        }
    }

    /** Thrown inside this class when etcd answers "not found" (a lease that is gone). */
    private static final class NotFound extends RuntimeException {
        NotFound(Throwable cause) {
            super(cause);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryUnavailableException("etcd did not answer within " + timeout.toSeconds() + "s (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while waiting for etcd (" + what + ")", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
                throw new NotFound(ee);
            }
            throw new RegistryUnavailableException("etcd request failed (" + what + "): " + rootMessage(cause), cause);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
