package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's registry: etcd's JSON gateway ({@link GatewayRegistry}) normally, gRPC ({@link EtcdRegistry},
 * jetcd) for the rest of the process once the gateway says it cannot serve ({@link GatewayUnavailableException}:
 * off, or unable to act for this client). The agent's first call (reading the network config) is the probe; a call
 * that meets the refusal is made again through gRPC, so the caller sees no difference but the log line.
 *
 * <p>jetcd is created by the supplier only then: the normal path loads no io.grpc, io.netty or protobuf class
 * (checked by GatewayOnlyIT with -Xlog:class+load): start to lease ~0.3 s instead of 0.5–0.6 s, idle RSS ~57 MB
 * instead of ~86 MB (BENCHMARKS.md, issue 13).
 */
public final class FallbackRegistry implements SubnetRegistry, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FallbackRegistry.class);

    private final SubnetRegistry gateway;
    private final Supplier<? extends SubnetRegistry> grpc;
    private volatile SubnetRegistry active;

    FallbackRegistry(SubnetRegistry gateway, Supplier<? extends SubnetRegistry> grpc) {
        this.gateway = gateway;
        this.grpc = grpc;
        this.active = gateway;
    }

    /** The gateway registry for {@code s}, falling back to jetcd's with the same settings. */
    public static FallbackRegistry open(EtcdSettings s) {
        return new FallbackRegistry(new GatewayRegistry(s), () -> Grpc.open(s));
    }

    /** Whether calls go through gRPC (the gateway refused). */
    public boolean onGrpc() {
        return active != gateway;
    }

    private <T> T call(Function<SubnetRegistry, T> op) {
        SubnetRegistry r = active;
        if (r != gateway) {
            return op.apply(r);
        }
        try {
            return op.apply(r);
        } catch (GatewayUnavailableException e) {
            return op.apply(switchToGrpc(e));
        }
    }

    private synchronized SubnetRegistry switchToGrpc(GatewayUnavailableException e) {
        if (active == gateway) {
            log.info("{}; talking to etcd through gRPC instead", e.getMessage());
            active = grpc.get();
        }
        return active;
    }

    @Override
    public Optional<String> networkConfig() {
        return call(SubnetRegistry::networkConfig);
    }

    @Override
    public Snapshot leases() {
        return call(SubnetRegistry::leases);
    }

    @Override
    public Optional<Lease> get(Ip4Net subnet) {
        return call(r -> r.get(subnet));
    }

    @Override
    public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
        return call(r -> r.create(subnet, attrs, ttl));
    }

    @Override
    public Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
        return call(r -> r.replace(current, attrs, ttl));
    }

    @Override
    public void renew(Lease lease) {
        call(r -> {
            r.renew(lease);
            return null;
        });
    }

    @Override
    public void revoke(Lease lease) {
        call(r -> {
            r.revoke(lease);
            return null;
        });
    }

    @Override
    public AutoCloseable watch(long fromRevision, LeaseListener listener) {
        return call(r -> r.watch(fromRevision, listener));
    }

    @Override
    public void close() {
        SubnetRegistry r = active;
        if (r != gateway) {
            closeQuietly(r);
        }
        closeQuietly(gateway);
    }

    private static void closeQuietly(SubnetRegistry r) {
        if (r instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing the etcd client failed: {}", e.toString());
            }
        }
    }

    /** Where jetcd is named: loaded (and with it gRPC and Netty) only when the fallback is taken. */
    private static final class Grpc {
        static SubnetRegistry open(EtcdSettings s) {
            return new EtcdRegistry(s);
        }
    }
}
