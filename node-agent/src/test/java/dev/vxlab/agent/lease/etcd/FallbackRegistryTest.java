package dev.vxlab.agent.lease.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.lease.InMemoryRegistry;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FallbackRegistryTest {
    private static final String CONFIG = "{\"Network\":\"10.244.0.0/16\"}";
    private static final LeaseAttrs ATTRS = LeaseAttrs.vxlan(Ip4.parse("192.168.56.11"), 1, "0e:00:00:00:00:01",
            new LeaseAttrs.NodeIdentity("kube1", "eth1"));

    /** The gateway side: an in-memory store whose calls throw {@link #failure} while it is set, counting them. */
    static final class Gateway implements SubnetRegistry {
        final InMemoryRegistry store = new InMemoryRegistry(CONFIG);
        RuntimeException failure;
        int calls;

        private <T> T go(java.util.function.Supplier<T> op) {
            calls++;
            if (failure != null) {
                throw failure;
            }
            return op.get();
        }

        @Override
        public Optional<String> networkConfig() {
            return go(store::networkConfig);
        }

        @Override
        public Snapshot leases() {
            return go(store::leases);
        }

        @Override
        public Optional<Lease> get(Ip4Net subnet) {
            return go(() -> store.get(subnet));
        }

        @Override
        public Optional<Lease> create(Ip4Net subnet, LeaseAttrs attrs, Duration ttl) {
            return go(() -> store.create(subnet, attrs, ttl));
        }

        @Override
        public Optional<Lease> replace(Lease current, LeaseAttrs attrs, Duration ttl) {
            return go(() -> store.replace(current, attrs, ttl));
        }

        @Override
        public void renew(Lease lease) {
            go(() -> {
                store.renew(lease);
                return null;
            });
        }

        @Override
        public void revoke(Lease lease) {
            go(() -> {
                store.revoke(lease);
                return null;
            });
        }

        @Override
        public AutoCloseable watch(long fromRevision, LeaseListener listener) {
            return go(() -> store.watch(fromRevision, listener));
        }
    }

    private final Gateway gateway = new Gateway();
    private final InMemoryRegistry grpc = new InMemoryRegistry("{\"Network\":\"10.99.0.0/16\"}");
    private final List<String> opened = new ArrayList<>();
    private final FallbackRegistry registry = new FallbackRegistry(gateway, () -> {
        opened.add("grpc");
        return grpc;
    });

    @Test
    void anAnsweringGatewayServesEveryCallAndGrpcIsNeverOpened() {
        assertEquals(Optional.of(CONFIG), registry.networkConfig());
        Lease l = registry.create(Ip4Net.parse("10.244.7.0/24"), ATTRS, Duration.ofMinutes(1)).orElseThrow();
        registry.renew(l);
        assertEquals(List.of(l), registry.leases().leases());
        registry.revoke(l);
        assertEquals(5, gateway.calls);
        assertEquals(List.of(), opened);
        assertFalse(registry.onGrpc());
    }

    @Test
    void aGatewayThatCannotServeSwitchesThisCallAndEveryLaterOneToGrpcOnce() {
        gateway.failure = new GatewayUnavailableException("etcd's JSON gateway cannot serve read /coreos.com/network/config (404)", null);
        assertEquals(Optional.of("{\"Network\":\"10.99.0.0/16\"}"), registry.networkConfig(), "the same call, answered through gRPC");
        assertTrue(registry.onGrpc());
        gateway.failure = null;
        Lease l = registry.create(Ip4Net.parse("10.99.7.0/24"), ATTRS, Duration.ofMinutes(1)).orElseThrow();
        assertSame(l, grpc.get(l.subnet()).orElseThrow());
        assertEquals(1, gateway.calls, "the gateway is not asked again");
        assertEquals(List.of("grpc"), opened, "gRPC opened once");
    }

    @Test
    void anUnreachableEtcdIsNotAReasonToLeaveTheGateway() {
        gateway.failure = new RegistryUnavailableException("etcd request failed (read): Connection refused", null);
        assertThrows(RegistryUnavailableException.class, registry::networkConfig);
        gateway.failure = null;
        assertEquals(Optional.of(CONFIG), registry.networkConfig());
        assertFalse(registry.onGrpc());
        assertEquals(List.of(), opened);
    }
}
