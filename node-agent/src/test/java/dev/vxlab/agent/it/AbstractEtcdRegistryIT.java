package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.lease.DuplicatePublicIpException;
import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.LeaseManager;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.lease.etcd.EtcdRegistry;
import dev.vxlab.agent.lease.etcd.EtcdSettings;
import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease manager against a real etcd through a registry ({@link EtcdRegistry}, jetcd, unless a subclass
 * opens another): flannel's keys and values, renewal, reuse, re-acquisition, contention, the duplicate-public-IP
 * guard, and an etcd outage. Subclasses provide the etcd (a process, a container) and may choose the registry.
 */
abstract class AbstractEtcdRegistryIT {
    static final String PREFIX = "/coreos.com/network";
    static final String CONFIG = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}";
    static final Duration TTL = Duration.ofSeconds(30);

    private final List<SubnetRegistry> registries = new ArrayList<>();
    private Client raw;

    abstract EtcdServer etcd();

    /** The registry under test: jetcd's unless a subclass says otherwise. */
    SubnetRegistry open(EtcdSettings settings) {
        return new EtcdRegistry(settings);
    }

    @BeforeEach
    void clean() throws Exception {
        raw = Client.builder().endpoints(etcd().endpoint()).build();
        raw.getKVClient().delete(bytes(PREFIX), DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
        raw.getKVClient().put(bytes(SubnetKey.config(PREFIX)), bytes(CONFIG)).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeClients() {
        registries.forEach(AbstractEtcdRegistryIT::close);
        registries.clear();
        raw.close();
    }

    SubnetRegistry registry() {
        SubnetRegistry r = open(new EtcdSettings(List.of(etcd().endpoint()), PREFIX, null, null, null, null, null, Duration.ofSeconds(3)));
        registries.add(r);
        return r;
    }

    static void close(SubnetRegistry r) {
        if (r instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    NetworkConfig config(SubnetRegistry r) {
        return NetworkConfig.parse(SubnetKey.config(PREFIX), r.networkConfig().orElseThrow());
    }

    static LeaseManager.Request request(NetworkConfig cfg, String node, String publicIp, Optional<Ip4Net> preferred) {
        LeaseAttrs attrs = LeaseAttrs.vxlan(Ip4.parse(publicIp), 1, "0e:00:00:00:00:01",
                new LeaseAttrs.NodeIdentity(node, "eth1"));
        return new LeaseManager.Request(cfg, attrs, TTL, preferred, "eth1", List.of("eth0 10.0.2.15/24"));
    }

    String value(Ip4Net subnet) throws Exception {
        var kvs = raw.getKVClient().get(bytes(SubnetKey.of(PREFIX, subnet))).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    long keyCount() throws Exception {
        return raw.getKVClient().get(bytes(SubnetKey.subnetsDir(PREFIX)), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .get(10, TimeUnit.SECONDS).getCount();
    }

    @Test
    void acquireWritesFlannelKeyAndValueAttachedToAnEtcdLease() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager.Held held = new LeaseManager(r, Clock.systemUTC(), new Random(1))
                .acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));

        assertTrue(cfg.inRange(held.subnet()), held.subnet() + " in range");
        String json = value(held.subnet());
        assertTrue(json.startsWith("{\"PublicIP\":\"192.168.56.11\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:00:00:00:00:01\"}"), json);
        assertTrue(json.contains("\"Vxlab\":{\"NodeName\":\"kube1\",\"Interface\":\"eth1\"}"), json);
        long ttl = raw.getLeaseClient().timeToLive(held.lease().etcdLeaseId(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
                .get(10, TimeUnit.SECONDS).getTTL();
        assertTrue(ttl > 20 && ttl <= 30, "etcd lease TTL " + ttl);
    }

    /**
     * vxlab-core's gateway client (what `vxlab status`, doctor and the exercises read leases with, without gRPC)
     * against the same etcd: it sees the lease the registry wrote with its etcd lease, revisions and time left,
     * and a revoke through it ends the lease as an expiry would.
     */
    @Test
    void theGatewayClientReadsAndRevokesWhatTheRegistryWrote() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager.Held held = new LeaseManager(r, Clock.systemUTC(), new Random(1))
                .acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        GatewayKv kv = new GatewayKv(new GatewayClient(List.of(etcd().endpoint()), null, null, null, Duration.ofSeconds(3)));

        GatewayKv.Range range = kv.rangePrefix(SubnetKey.subnetsDir(PREFIX));
        assertEquals(1, range.kvs().size(), range.toString());
        GatewayKv.Kv got = range.kvs().get(0);
        Lease lease = Lease.decode(PREFIX, got.key(), got.value(), got.lease(), got.createRevision(), got.modRevision()).orElseThrow();
        assertEquals(held.lease(), lease);
        assertTrue(range.revision() >= got.modRevision(), range.revision() + " >= " + got.modRevision());
        long ttl = kv.timeToLive(got.lease()).orElseThrow();
        assertTrue(ttl > 20 && ttl <= 30, "etcd lease TTL " + ttl);
        assertEquals(CONFIG, kv.get(SubnetKey.config(PREFIX)).orElseThrow().value());
        assertEquals(Optional.empty(), kv.get(SubnetKey.config(PREFIX) + "-not-there"));

        assertTrue(kv.revoke(got.lease()));
        assertEquals(null, value(held.subnet()));
        assertEquals(Optional.empty(), kv.timeToLive(got.lease()));
        assertFalse(kv.revoke(got.lease()), "a second revoke finds nothing");

        kv.put(PREFIX + "/other", "x");
        assertEquals("x", kv.get(PREFIX + "/other").orElseThrow().value());
        kv.delete(PREFIX + "/other");
        assertEquals(Optional.empty(), kv.get(PREFIX + "/other"));
    }

    @Test
    void renewKeepsTheKeyPastItsTtlAndAnUnrenewedLeaseExpires() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager m = new LeaseManager(r, Clock.systemUTC(), new Random(2));
        LeaseAttrs attrs = request(cfg, "kube1", "192.168.56.11", Optional.empty()).attrs();
        Duration ttl = Duration.ofSeconds(5);
        LeaseManager.Held held = m.acquire(new LeaseManager.Request(cfg, attrs, ttl, Optional.empty(), "eth1", List.of()));
        for (int i = 0; i < 4; i++) {
            Thread.sleep(2000);
            held = m.renew(held, ttl);
        }
        // 8 s after a 5 s lease was granted, it is alive only because it was renewed
        assertTrue(value(held.subnet()) != null, "renewed lease still present");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (value(held.subnet()) != null && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(null, value(held.subnet()), "unrenewed lease expired");
        LeaseManager.Held gone = held;
        assertThrows(LeaseGoneException.class, () -> m.renew(gone, ttl));
    }

    @Test
    void restartedNodeReusesItsLeaseByIdentity() throws Exception {
        SubnetRegistry first = registry();
        NetworkConfig cfg = config(first);
        LeaseManager.Held before = new LeaseManager(first, Clock.systemUTC(), new Random(3))
                .acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        close(first);
        registries.remove(first);

        SubnetRegistry second = registry();
        LeaseManager.Held after = new LeaseManager(second, Clock.systemUTC(), new Random(4))
                .acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        assertEquals(before.subnet(), after.subnet());
        assertTrue(after.reused());
        assertEquals(1, keyCount());
        // the old etcd lease was replaced and revoked: the key now lives on the new one
        assertEquals(after.lease().etcdLeaseId(), second.get(after.subnet()).orElseThrow().etcdLeaseId());
    }

    @Test
    void deletedKeyIsNoticedAndTheSameSubnetReacquired() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager m = new LeaseManager(r, Clock.systemUTC(), new Random(5));
        LeaseManager.Held held = m.acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        raw.getKVClient().delete(bytes(SubnetKey.of(PREFIX, held.subnet()))).get(10, TimeUnit.SECONDS);

        assertThrows(LeaseGoneException.class, () -> m.check(held, held.lease().attrs()));
        LeaseManager.Held again = m.acquire(request(cfg, "kube1", "192.168.56.11", Optional.of(held.subnet())));
        assertEquals(held.subnet(), again.subnet());
        m.check(again, again.lease().attrs());
    }

    @Test
    void sixtyFourConcurrentAcquirersAllGetDistinctSubnets() throws Exception {
        int agents = 64;
        List<SubnetRegistry> clients = List.of(registry(), registry(), registry(), registry());
        NetworkConfig cfg = config(clients.get(0));
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Ip4Net> got = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        for (int i = 0; i < agents; i++) {
            int n = i;
            pool.submit(() -> {
                try {
                    LeaseManager m = new LeaseManager(clients.get(n % clients.size()), Clock.systemUTC(), new Random(100 + n));
                    go.await();
                    got.put("node" + n, m.acquire(request(cfg, "node" + n, "192.168.57." + (n + 1), Optional.empty())).subnet());
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "acquirers finished");
        assertEquals(List.of(), failures);
        assertEquals(agents, got.size());
        Set<Ip4Net> distinct = new HashSet<>(got.values());
        assertEquals(agents, distinct.size(), "distinct subnets");
        assertEquals(agents, keyCount());
    }

    @Test
    void secondNodeWithTheSamePublicIpIsRefusedAndTheFirstLeaseIsUntouched() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager.Held first = new LeaseManager(r, Clock.systemUTC(), new Random(6))
                .acquire(request(cfg, "kube1", "10.0.2.15", Optional.empty()));
        String before = value(first.subnet());

        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class, () ->
                new LeaseManager(registry(), Clock.systemUTC(), new Random(7)).acquire(request(cfg, "kube2", "10.0.2.15", Optional.empty())));
        assertTrue(e.getMessage().contains("kube1") && e.getMessage().contains("kube2") && e.getMessage().contains("10.0.2.15"),
                e.getMessage());
        assertEquals(before, value(first.subnet()));
        assertEquals(1, keyCount());
    }

    @Test
    void unreachableEtcdIsReportedAndTheLeaseSurvivesTheOutage() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager m = new LeaseManager(r, Clock.systemUTC(), new Random(8));
        LeaseManager.Held held = m.acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        etcd().interrupt();
        try {
            assertThrows(RegistryUnavailableException.class, () -> m.check(held, held.lease().attrs()));
        } finally {
            etcd().resume();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                m.check(held, held.lease().attrs());
                m.renew(held, TTL);
                break;
            } catch (RegistryUnavailableException e) {
                assertFalse(System.nanoTime() > deadline, "etcd did not come back: " + e.getMessage());
                Thread.sleep(500);
            }
        }
    }

    /** What a watch reported, in order: "put SUBNET lease=… create=… mod=…", "del SUBNET mod=…", "error …". */
    static final class Recorder implements SubnetRegistry.LeaseListener {
        final java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void onChange(List<SubnetRegistry.LeaseEvent> events) {
            for (SubnetRegistry.LeaseEvent e : events) {
                seen.add(e.removed() ? "del " + e.subnet() + " mod=" + e.revision()
                        : "put " + e.subnet() + " " + e.lease().attrs().publicIp() + " lease=" + e.lease().etcdLeaseId()
                        + " create=" + e.lease().createRevision() + " mod=" + e.lease().modRevision());
            }
        }

        @Override
        public void onError(Throwable cause) {
            seen.add("error " + cause.getMessage());
        }

        String next() throws InterruptedException {
            String s = seen.poll(10, TimeUnit.SECONDS);
            assertTrue(s != null, "nothing reported within 10 s");
            return s;
        }
    }

    @Test
    void watchReportsPutsWithTheirEtcdLeaseAndDeletesFromTheGivenRevision() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager m = new LeaseManager(r, Clock.systemUTC(), new Random(9));
        LeaseManager.Held before = m.acquire(request(cfg, "kube1", "192.168.56.11", Optional.empty()));
        long from = r.leases().revision() + 1;
        LeaseManager.Held second = m.acquire(request(cfg, "kube2", "192.168.56.12", Optional.empty()));
        // a key under the prefix that is not a subnet, and a malformed lease: neither is reported
        raw.getKVClient().put(bytes(SubnetKey.subnetsDir(PREFIX) + "junk"), bytes("x")).get(10, TimeUnit.SECONDS);
        raw.getKVClient().put(bytes(SubnetKey.of(PREFIX, Ip4Net.parse("10.244.250.0/24"))), bytes("{not json")).get(10, TimeUnit.SECONDS);
        Recorder rec = new Recorder();
        try (AutoCloseable w = r.watch(from, rec)) {   // history first: the second acquire happened before the watch
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("etcd-watch")),
                    "watching through etcd's JSON gateway (its reader thread runs)");
            Lease l = second.lease();
            assertEquals("put " + l.subnet() + " 192.168.56.12 lease=" + l.etcdLeaseId() + " create=" + l.createRevision()
                    + " mod=" + l.modRevision(), rec.next());
            r.revoke(before.lease());
            String del = rec.next();
            assertTrue(del.startsWith("del " + before.subnet() + " mod="), del);
            assertEquals(null, rec.seen.poll(300, TimeUnit.MILLISECONDS), "nothing else");
        }
        raw.getKVClient().delete(bytes(SubnetKey.of(PREFIX, second.subnet()))).get(10, TimeUnit.SECONDS);
        assertEquals(null, rec.seen.poll(500, TimeUnit.MILLISECONDS), "nothing reported after close, not even an error");
    }

    @Test
    void watchFromACompactedRevisionEndsWithAnErrorThatSaysSo() throws Exception {
        SubnetRegistry r = registry();
        NetworkConfig cfg = config(r);
        LeaseManager m = new LeaseManager(r, Clock.systemUTC(), new Random(10));
        for (int i = 0; i < 3; i++) {
            r.revoke(m.acquire(request(cfg, "kube" + i, "192.168.56.2" + i, Optional.empty())).lease());
        }
        long now = r.leases().revision();
        raw.getKVClient().compact(now).get(10, TimeUnit.SECONDS);
        Recorder rec = new Recorder();
        try (AutoCloseable w = r.watch(now - 2, rec)) {
            String e = rec.next();
            assertTrue(e.startsWith("error ") && e.contains("compact"), e);
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static void closeQuietly(EtcdServer s) {
        if (s != null) {
            s.close();
        }
    }
}
