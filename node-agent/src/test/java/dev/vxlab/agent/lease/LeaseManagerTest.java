package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LeaseManagerTest {
    private static final String KEY = "/coreos.com/network/config";
    private static final NetworkConfig CONFIG = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\"}");
    private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final Duration TTL = Duration.ofHours(24);

    private final InMemoryRegistry registry = new InMemoryRegistry();

    /** Hand-written random source: {@code nextLong(n)} is always n-1, so the allocator picks the lowest free subnet. */
    private static final class LowestFree implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new AssertionError("the allocator should ask for a bounded value");
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }

    /** Hand-written random source: {@code nextLong(n)} is always 0, so the allocator picks the highest free subnet. */
    private static final class HighestFree implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new AssertionError("the allocator should ask for a bounded value");
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    }

    private LeaseManager manager() {
        return new LeaseManager(registry, CLOCK, new LowestFree());
    }

    private static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    /** A node on a machine of its own: unless a test says otherwise, each node name is one machine, with its own node ID. */
    private static LeaseAttrs attrs(String node, String publicIp, String iface) {
        return attrs(node, publicIp, iface, idOf(node));
    }

    private static LeaseAttrs attrs(String node, String publicIp, String iface, String nodeId) {
        return LeaseAttrs.vxlan(Ip4.parse(publicIp), 1, "0e:b5:dc:fa:0c:" + String.format("%02x", node.hashCode() & 0xff),
                new LeaseAttrs.NodeIdentity(node, iface, nodeId));
    }

    private static String idOf(String machine) {
        return String.format("%032x", machine.hashCode() & 0xffffffffL);
    }

    private static LeaseAttrs attrs(String node, String publicIp) {
        return attrs(node, publicIp, "eth1");
    }

    private static LeaseManager.Request request(NetworkConfig config, LeaseAttrs attrs, Ip4Net preferred) {
        return new LeaseManager.Request(config, attrs, TTL, Optional.ofNullable(preferred),
                attrs.node() == null ? null : attrs.node().iface(), List.of("eth0 10.0.2.15/24"));
    }

    private static LeaseManager.Request request(LeaseAttrs attrs) {
        return request(CONFIG, attrs, null);
    }

    // ---- fresh acquisition ----

    @Test
    void freshAcquirePicksAFreeSubnetInRange() {
        LeaseAttrs mine = attrs("kube1", "192.168.56.11");
        LeaseManager.Held held = new LeaseManager(registry, CLOCK, new Random(1)).acquire(request(mine));

        assertFalse(held.reused());
        assertTrue(CONFIG.inRange(held.subnet()), held.subnet().toString());
        assertEquals(T0.plus(TTL), held.expires());
        Lease stored = registry.get(held.subnet()).orElseThrow();
        assertEquals(held.lease(), stored);
        assertEquals(mine, stored.attrs());
        assertEquals(registry.revision(), stored.createRevision());
        assertEquals(Optional.of(TTL), registry.storeLeaseTtl(stored.etcdLeaseId()));
        assertEquals(1, registry.size());
    }

    @Test
    void freshAcquireAvoidsOtherNodesSubnets() {
        registry.seed(net("10.244.1.0/24"), attrs("kube2", "192.168.56.12"));
        registry.seed(net("10.244.2.0/24"), attrs("kube3", "192.168.56.13"));
        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "192.168.56.11")));
        assertEquals(net("10.244.3.0/24"), held.subnet());
        assertEquals(3, registry.size());
    }

    // ---- reuse ----

    @Test
    void reusesTheLeaseThisNodeHoldsByNodeNameEvenWithANewPublicIp() {
        Lease old = registry.seed(net("10.244.34.0/24"), attrs("kube1", "192.168.56.11"));
        LeaseAttrs now = attrs("kube1", "192.168.56.21");

        LeaseManager.Held held = manager().acquire(request(now));

        assertTrue(held.reused());
        assertEquals(net("10.244.34.0/24"), held.subnet());
        assertEquals(T0.plus(TTL), held.expires());
        Lease stored = registry.get(net("10.244.34.0/24")).orElseThrow();
        assertEquals(now, stored.attrs(), "the value is rewritten with this node's current attributes");
        assertEquals(old.createRevision(), stored.createRevision(), "a rewrite keeps the create revision");
        assertTrue(stored.modRevision() > old.modRevision());
        assertNotEquals(old.etcdLeaseId(), stored.etcdLeaseId(), "the key moves to a fresh store lease");
        assertFalse(registry.storeLeaseAlive(old.etcdLeaseId()), "the old store lease is revoked");
        assertEquals(1, registry.size());
        assertEquals(0, registry.creates());
    }

    @Test
    void theOwnLeaseWinsOverAPreferredSubnet() {
        registry.seed(net("10.244.34.0/24"), attrs("kube1", "192.168.56.11"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.50.0/24")));
        assertTrue(held.reused());
        assertEquals(net("10.244.34.0/24"), held.subnet());
        assertTrue(registry.get(net("10.244.50.0/24")).isEmpty());
    }

    @Test
    void aLeaseWithTheSamePublicIpButAnotherNodeIsNeverReused() {
        // flannel would reuse it ("Found lease ... for current IP"); vxlabd refuses (see the duplicate tests)
        registry.seed(net("10.244.34.0/24"), attrs("kube2", "10.0.2.15", "eth0"));
        assertThrows(DuplicatePublicIpException.class, () -> manager().acquire(request(attrs("kube1", "10.0.2.15", "eth0"))));
        assertEquals("kube2", registry.get(net("10.244.34.0/24")).orElseThrow().holder());
    }

    // ---- preferred subnet ----

    @Test
    void preferredSubnetIsTakenWhenFreeAndInRange() {
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.77.0/24")));
        assertEquals(net("10.244.77.0/24"), held.subnet(), "the random source alone would have picked 10.244.1.0");
        assertFalse(held.reused());
    }

    @Test
    void preferredSubnetHeldByAnotherNodeIsIgnored() {
        Lease theirs = registry.seed(net("10.244.77.0/24"), attrs("kube2", "192.168.56.12"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.77.0/24")));
        assertEquals(net("10.244.1.0/24"), held.subnet());
        assertEquals(Optional.of(theirs), registry.get(net("10.244.77.0/24")), "the other node's lease is untouched");
    }

    @Test
    void preferredSubnetOverlappingAnotherNodesWiderLeaseIsIgnored() {
        registry.seed(net("10.244.76.0/23"), attrs("flannel-old", "192.168.56.12"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.77.0/24")));
        assertEquals(net("10.244.1.0/24"), held.subnet());
    }

    @Test
    void preferredSubnetOutOfRangeIsIgnored() {
        for (Ip4Net preferred : List.of(net("10.99.0.0/24"), net("10.244.0.0/24"), net("10.244.77.0/25"), net("10.244.76.0/23"))) {
            InMemoryRegistry fresh = new InMemoryRegistry();
            LeaseManager.Held held = new LeaseManager(fresh, CLOCK, new LowestFree())
                    .acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), preferred));
            assertEquals(net("10.244.1.0/24"), held.subnet(), "preferred " + preferred + " must be ignored");
            assertTrue(fresh.get(preferred).isEmpty());
        }
    }

    // ---- extra and out-of-range leases of this node ----

    @Test
    void extraAndOutOfRangeLeasesOfThisNodeAreRevoked() {
        Lease first = registry.seed(net("10.244.5.0/24"), attrs("kube1", "192.168.56.11"));
        Lease second = registry.seed(net("10.244.6.0/24"), attrs("kube1", "192.168.56.11"));
        Lease below = registry.seed(net("10.244.0.0/24"), attrs("kube1", "192.168.56.11"));
        Lease wrongLen = registry.seed(net("10.244.7.0/25"), attrs("kube1", "192.168.56.11"));
        Lease outside = registry.seed(net("10.99.0.0/24"), attrs("kube1", "192.168.56.11"));
        Lease theirs = registry.seed(net("10.244.8.0/24"), attrs("kube2", "192.168.56.12"));

        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "192.168.56.11")));

        assertTrue(held.reused());
        assertEquals(first.subnet(), held.subnet(), "the oldest in-range lease is kept");
        for (Lease gone : List.of(second, below, wrongLen, outside)) {
            assertTrue(registry.get(gone.subnet()).isEmpty(), gone.subnet() + " should be revoked");
            assertFalse(registry.storeLeaseAlive(gone.etcdLeaseId()));
        }
        assertEquals(Optional.of(theirs), registry.get(theirs.subnet()));
        assertEquals(2, registry.size());
    }

    @Test
    void thePreferredOwnLeaseIsKeptOverAnOlderOne() {
        Lease older = registry.seed(net("10.244.5.0/24"), attrs("kube1", "192.168.56.11"));
        registry.seed(net("10.244.6.0/24"), attrs("kube1", "192.168.56.11"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.6.0/24")));
        assertTrue(held.reused());
        assertEquals(net("10.244.6.0/24"), held.subnet());
        assertTrue(registry.get(older.subnet()).isEmpty());
        assertEquals(1, registry.size());
    }

    @Test
    void ownLeaseOfAnOldSubnetLenDoesNotBlockThePreferredSubnetInside() {
        // SubnetLen changed from 23 to 24: the node's old /23 is given back and the /24 inside it is free for it
        Lease old = registry.seed(net("10.244.76.0/23"), attrs("kube1", "192.168.56.11"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.77.0/24")));
        assertFalse(held.reused());
        assertEquals(net("10.244.77.0/24"), held.subnet());
        assertTrue(registry.get(old.subnet()).isEmpty());
    }

    @Test
    void onlyAnOutOfRangeLeaseIsReplacedByAFreshOne() {
        // the network config changed from 10.99.0.0/16 to 10.244.0.0/16
        Lease stale = registry.seed(net("10.99.3.0/24"), attrs("kube1", "192.168.56.11"));
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.99.3.0/24")));
        assertFalse(held.reused());
        assertEquals(net("10.244.1.0/24"), held.subnet());
        assertTrue(registry.get(stale.subnet()).isEmpty());
        assertEquals(1, registry.size());
    }

    // ---- exhaustion ----

    @Test
    void exhaustedRangeNamesTotalAndHeldCounts() {
        NetworkConfig small = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/28\"}"); // /30s: .4 .8 .12
        registry.seed(net("10.244.0.0/30"), attrs("kube9", "192.168.56.19")); // below SubnetMin, still held
        registry.seed(net("10.244.0.4/30"), attrs("kube2", "192.168.56.12"));
        registry.seed(net("10.244.0.8/30"), attrs("kube3", "192.168.56.13"));
        registry.seed(net("10.244.0.12/30"), attrs("kube4", "192.168.56.14"));
        long before = registry.revision();

        SubnetsExhaustedException e = assertThrows(SubnetsExhaustedException.class,
                () -> manager().acquire(request(small, attrs("kube1", "192.168.56.11"), null)));

        assertTrue(e.getMessage().contains("all 3 /30 subnets"), e.getMessage());
        assertTrue(e.getMessage().contains("(4 leases held)"), e.getMessage());
        assertTrue(e.getMessage().contains("SubnetMin 10.244.0.4"), e.getMessage());
        assertTrue(e.getMessage().contains("SubnetMax 10.244.0.12"), e.getMessage());
        assertTrue(e.getMessage().contains("10.244.0.0/28"), e.getMessage());
        assertTrue(e.hint() != null && e.hint().contains("etcdctl del"), e.hint());
        assertEquals(before, registry.revision(), "nothing was written");
    }

    @Test
    void theLastFreeSubnetIsFound() {
        NetworkConfig small = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/28\"}");
        registry.seed(net("10.244.0.4/30"), attrs("kube2", "192.168.56.12"));
        registry.seed(net("10.244.0.12/30"), attrs("kube4", "192.168.56.14"));
        LeaseManager.Held held = new LeaseManager(registry, CLOCK, new Random(3))
                .acquire(request(small, attrs("kube1", "192.168.56.11"), null));
        assertEquals(net("10.244.0.8/30"), held.subnet());
    }

    // ---- duplicate public IP ----

    @Test
    void duplicatePublicIpOfAnotherNodeIsRefusedWithAnExplanation() {
        Lease theirs = registry.seed(net("10.244.34.0/24"), attrs("kube1", "10.0.2.15", "eth0"));
        long before = registry.revision();
        LeaseManager.Request req = new LeaseManager.Request(CONFIG, attrs("kube2", "10.0.2.15", "eth0"), TTL, Optional.empty(),
                "eth0", List.of("eth1 192.168.56.12/24", "eth2 (no IPv4 address)"));

        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class, () -> manager().acquire(req));

        String m = e.getMessage();
        assertTrue(m.contains("node kube1"), m);
        assertTrue(m.contains("(kube2)"), m);
        assertTrue(m.contains("public IP 10.0.2.15"), m);
        assertTrue(m.contains("from its interface eth0"), m);
        assertTrue(m.contains("interface eth0"), m);
        assertTrue(m.contains("10.244.34.0/24"), m);
        assertTrue(m.contains("Vagrant"), m);
        assertTrue(m.contains("10.0.2.15 and carries the default route"), m);
        assertTrue(m.contains("eth1 192.168.56.12/24, eth2 (no IPv4 address)"), m);
        assertTrue(e.hint().contains("--iface=eth1"), e.hint());
        assertEquals(theirs, e.other());

        assertEquals(Optional.of(theirs), registry.get(theirs.subnet()), "the other node's lease is left untouched");
        assertTrue(registry.storeLeaseAlive(theirs.etcdLeaseId()));
        assertEquals(before, registry.revision(), "nothing was written");
        assertEquals(1, registry.size());
    }

    @Test
    void duplicateOfAFlanneldLeaseIsRefusedToo() {
        LeaseAttrs flanneld = LeaseAttrs.vxlan(Ip4.parse("10.0.2.15"), 1, "0e:00:00:00:00:01", null);
        registry.seed(net("10.244.34.0/24"), flanneld);
        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class,
                () -> manager().acquire(request(attrs("kube2", "10.0.2.15", "eth0"))));
        assertTrue(e.getMessage().contains("without vxlab identity"), e.getMessage());
        assertEquals(1, registry.size());
    }

    @Test
    void aNodeHoldingAnOlderLeaseDoesNotRefuseBecauseOfAYoungerDuplicate() {
        Lease mine = registry.seed(net("10.244.34.0/24"), attrs("kube1", "10.0.2.15", "eth0"));
        Lease younger = registry.seed(net("10.244.35.0/24"), attrs("kube2", "10.0.2.15", "eth0"));

        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "10.0.2.15", "eth0")));

        assertTrue(held.reused());
        assertEquals(mine.subnet(), held.subnet());
        assertEquals(Optional.of(younger), registry.get(younger.subnet()), "not ours to remove");

        // the younger one is the node that refuses
        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class,
                () -> manager().acquire(request(attrs("kube2", "10.0.2.15", "eth0"))));
        assertEquals("kube1", e.other().holder());
    }

    @Test
    void aNodeThatSwitchesToAPublicIpAnotherNodeAlreadyAdvertisesIsRefused() {
        // kube1's lease is older, but it advertised 192.168.56.11; kube2 has advertised 10.0.2.15 all along.
        // kube1 restarts without --iface and now picks Vagrant's NAT address: kube1 is the newcomer on that IP.
        Lease mine = registry.seed(net("10.244.5.0/24"), attrs("kube1", "192.168.56.11", "eth1"));
        Lease theirs = registry.seed(net("10.244.34.0/24"), attrs("kube2", "10.0.2.15", "eth0"));
        long before = registry.revision();

        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class,
                () -> manager().acquire(request(attrs("kube1", "10.0.2.15", "eth0"))));

        assertEquals(theirs, e.other());
        assertEquals(Optional.of(theirs), registry.get(theirs.subnet()), "the other node's lease is left untouched");
        assertEquals(Optional.of(mine), registry.get(mine.subnet()), "nothing rewritten");
        assertEquals(before, registry.revision());
    }

    @Test
    void aNodeWhoseOldestLeasePredatesTheDuplicateKeepsIt() {
        Lease mine = registry.seed(net("10.244.5.0/24"), attrs("kube1", "10.0.2.15", "eth0"));
        Lease dup = registry.seed(net("10.244.34.0/24"), attrs("kube2", "10.0.2.15", "eth0"));
        Lease extra = registry.seed(net("10.244.6.0/24"), attrs("kube1", "10.0.2.15", "eth0"));

        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "10.0.2.15", "eth0")));

        assertEquals(mine.subnet(), held.subnet());
        assertTrue(registry.get(extra.subnet()).isEmpty());
        assertEquals(Optional.of(dup), registry.get(dup.subnet()));
    }

    @Test
    void simultaneousDuplicateClaimWhereOursIsYoungerGivesOursBack() {
        // kube1 (same public IP) completes its whole acquisition just before our create lands
        LeaseManager other = new LeaseManager(registry, CLOCK, new HighestFree());
        AtomicBoolean once = new AtomicBoolean();
        AtomicReference<LeaseManager.Held> theirs = new AtomicReference<>();
        registry.beforeCreate((subnet, a) -> {
            if (a.heldBy("kube2") && once.compareAndSet(false, true)) {
                theirs.set(other.acquire(request(attrs("kube1", "10.0.2.15", "eth0"))));
            }
        });

        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class,
                () -> manager().acquire(request(attrs("kube2", "10.0.2.15", "eth0"))));

        assertEquals("kube1", e.other().holder());
        assertEquals(net("10.244.255.0/24"), theirs.get().subnet());
        assertEquals(theirs.get().subnet(), e.other().subnet());
        assertEquals(1, registry.size(), "exactly one lease stays");
        assertEquals("kube1", registry.get(theirs.get().subnet()).orElseThrow().holder());
        // ours was created and then given back
        List<SubnetRegistry.LeaseEvent> h = registry.history();
        SubnetRegistry.LeaseEvent last = h.get(h.size() - 1);
        assertTrue(last.removed(), h.toString());
        assertNotEquals(theirs.get().subnet(), last.subnet());
        assertTrue(h.stream().anyMatch(ev -> !ev.removed() && ev.subnet().equals(last.subnet()) && ev.lease().holder().equals("kube2")));
    }

    @Test
    void simultaneousDuplicateClaimWhereOursIsOlderKeepsOurs() {
        AtomicBoolean once = new AtomicBoolean();
        AtomicReference<Lease> theirs = new AtomicReference<>();
        registry.afterCreate(l -> {
            if (l.attrs().heldBy("kube2") && once.compareAndSet(false, true)) {
                theirs.set(registry.seed(net("10.244.200.0/24"), attrs("kube1", "10.0.2.15", "eth0")));
            }
        });

        LeaseManager.Held held = manager().acquire(request(attrs("kube2", "10.0.2.15", "eth0")));

        assertFalse(held.reused());
        assertEquals(Optional.of(held.lease()), registry.get(held.subnet()), "ours stays");
        assertEquals(Optional.of(theirs.get()), registry.get(theirs.get().subnet()), "theirs is theirs to give back");
        assertThrows(DuplicatePublicIpException.class, () -> manager().acquire(request(attrs("kube1", "10.0.2.15", "eth0"))));
    }

    // ---- lost races ----

    @Test
    void lostRacesAreRetriedWithAnotherSubnet() {
        int steals = 3;
        AtomicInteger stolen = new AtomicInteger();
        List<Ip4Net> stolenSubnets = Collections.synchronizedList(new ArrayList<>());
        registry.beforeCreate((subnet, a) -> {
            int n = stolen.getAndIncrement();
            if (n < steals) {
                registry.seed(subnet, attrs("thief" + n, "192.168.56." + (100 + n)));
                stolenSubnets.add(subnet);
            }
        });

        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "192.168.56.11")));

        assertEquals(List.of(net("10.244.1.0/24"), net("10.244.2.0/24"), net("10.244.3.0/24")), stolenSubnets);
        assertEquals(net("10.244.4.0/24"), held.subnet());
        assertEquals(4, registry.creates());
        assertEquals(3, registry.failedCreates());
        for (int i = 0; i < steals; i++) {
            assertEquals("thief" + i, registry.get(stolenSubnets.get(i)).orElseThrow().holder());
        }
        assertEquals(4, registry.size());
    }

    @Test
    void lostRaceWithRandomChoicesStillEndsOnAFreeSubnet() {
        Set<Ip4Net> stolen = ConcurrentHashMap.newKeySet();
        AtomicInteger n = new AtomicInteger();
        registry.beforeCreate((subnet, a) -> {
            int i = n.getAndIncrement();
            if (i < 10) {
                registry.seed(subnet, attrs("thief" + i, "192.168.57." + (1 + i)));
                stolen.add(subnet);
            }
        });
        LeaseManager.Held held = new LeaseManager(registry, CLOCK, new Random(5)).acquire(request(attrs("kube1", "192.168.56.11")));
        assertEquals(10, stolen.size());
        assertFalse(stolen.contains(held.subnet()));
        assertTrue(CONFIG.inRange(held.subnet()));
        assertEquals("kube1", registry.get(held.subnet()).orElseThrow().holder());
        assertEquals(10, registry.failedCreates());
    }

    @Test
    void lostRaceForThePreferredSubnetFallsBackToAnotherOne() {
        registry.beforeCreate((subnet, a) -> {
            if (subnet.equals(net("10.244.77.0/24")) && registry.get(subnet).isEmpty()) {
                registry.seed(subnet, attrs("kube2", "192.168.56.12"));
            }
        });
        LeaseManager.Held held = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), net("10.244.77.0/24")));
        assertEquals(net("10.244.1.0/24"), held.subnet());
        assertEquals("kube2", registry.get(net("10.244.77.0/24")).orElseThrow().holder());
    }

    // ---- check ----

    @Test
    void checkPassesWhileTheLeaseIsOurs() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        m.check(held, held.lease().attrs());
    }

    @Test
    void checkThrowsWhenTheKeyIsGone() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        registry.deleteKey(held.subnet());
        LeaseGoneException e = assertThrows(LeaseGoneException.class, () -> m.check(held, held.lease().attrs()));
        assertTrue(e.getMessage().contains(held.subnet() + " no longer exists"), e.getMessage());
    }

    @Test
    void checkThrowsWhenTheLeaseExpired() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        registry.expire(held.subnet());
        assertThrows(LeaseGoneException.class, () -> m.check(held, held.lease().attrs()));
    }

    @Test
    void checkThrowsWhenAnotherNodeTookTheSubnet() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        registry.expire(held.subnet());
        registry.seed(held.subnet(), attrs("kube9", "192.168.56.19"));
        LeaseGoneException e = assertThrows(LeaseGoneException.class, () -> m.check(held, held.lease().attrs()));
        assertTrue(e.getMessage().contains("now held by kube9"), e.getMessage());
    }

    @Test
    void checkRefusesWhenAnAgentWithThisNodesIdentityRewroteTheKey() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        // a machine cloned with this one's node ID file (or a second agent here) rewrote the key under its own
        // store lease: taking it back would start the two taking it from each other in turn
        registry.replace(held.lease(), attrs("kube1", "192.168.56.21"), TTL).orElseThrow();
        NodeIdentityConflictException e = assertThrows(NodeIdentityConflictException.class, () -> m.check(held, held.lease().attrs()));
        assertTrue(e.getMessage().contains("rewritten by another agent with the same node ID, now advertising 192.168.56.21 from eth1"
                + " (this node: 192.168.56.11 from eth1)"), e.getMessage());
        assertTrue(e.hint().contains("/var/lib/vxlab/node-id"), e.hint());
    }

    // ---- renew ----

    @Test
    void renewExtendsTheExpiryByTheTtlFromNow() {
        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "192.168.56.11")));
        assertEquals(T0.plus(TTL), held.expires());

        Instant later = T0.plus(Duration.ofMinutes(90));
        LeaseManager atLater = new LeaseManager(registry, Clock.fixed(later, ZoneOffset.UTC), new LowestFree());
        LeaseManager.Held renewed = atLater.renew(held, TTL);

        assertEquals(later.plus(TTL), renewed.expires());
        assertSame(held.lease(), renewed.lease());
        assertEquals(held.reused(), renewed.reused());
        assertEquals(1, registry.renewals());

        LeaseManager.Held shorter = atLater.renew(renewed, Duration.ofMinutes(10));
        assertEquals(later.plus(Duration.ofMinutes(10)), shorter.expires());
        assertEquals(2, registry.renewals());
    }

    @Test
    void renewThrowsWhenTheLeaseIsGone() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        registry.expire(held.subnet());
        assertThrows(LeaseGoneException.class, () -> m.renew(held, TTL));
        assertEquals(0, registry.renewals());
    }

    @Test
    void renewThrowsAfterARevoke() {
        LeaseManager m = manager();
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        registry.revoke(held.lease());
        assertThrows(LeaseGoneException.class, () -> m.renew(held, TTL));
    }

    @Test
    void reacquireAfterExpiryGetsTheSameSubnetBack() {
        LeaseManager m = new LeaseManager(registry, CLOCK, new HighestFree());
        LeaseManager.Held held = m.acquire(request(attrs("kube1", "192.168.56.11")));
        assertEquals(net("10.244.255.0/24"), held.subnet());
        registry.expire(held.subnet());
        // the old subnet (from subnet.env) is preferred over the lowest free one the random source points at
        LeaseManager.Held again = manager().acquire(request(CONFIG, attrs("kube1", "192.168.56.11"), held.subnet()));
        assertEquals(held.subnet(), again.subnet());
        assertFalse(again.reused());
    }

    // ---- machines that share a hostname (cloned VMs, boxes without a hostname of their own) ----

    @Test
    void aLiveLeaseWithThisNameFromAnotherMachineIsNotReusedButLeftAlone() {
        Lease twin = registry.seed(net("10.244.52.0/24"), attrs("vm", "192.168.56.12", "eth1", idOf("machine-2")));
        LeaseManager.Held held = manager().acquire(request(attrs("vm", "192.168.56.11", "eth1", idOf("machine-1"))));

        assertFalse(held.reused(), "another machine's lease is not 'found for this node'");
        assertNotEquals(twin.subnet(), held.subnet());
        assertEquals(Optional.of(twin), registry.get(twin.subnet()), "the twin's lease is untouched");
        assertEquals(2, registry.size());
    }

    @Test
    void aTwinOnTheSameNatAddressIsRefusedAndTheRefusalNamesTheSharedName() {
        // cloned boxes without a hostname, agents on the NAT eth0: one name, one address, two machines
        Lease twin = registry.seed(net("10.244.52.0/24"), attrs("vm", "10.0.2.15", "eth0", idOf("machine-2")));
        long before = registry.revision();
        DuplicatePublicIpException e = assertThrows(DuplicatePublicIpException.class,
                () -> manager().acquire(request(attrs("vm", "10.0.2.15", "eth0", idOf("machine-1")))));

        assertTrue(e.getMessage().contains("node vm already advertises public IP 10.0.2.15 (from its interface eth0)"), e.getMessage());
        assertTrue(e.getMessage().contains("That lease carries this node's name too, but node ID " + idOf("machine-2")), e.getMessage());
        assertTrue(e.getMessage().contains("etcdctl del <prefix>/subnets/10.244.52.0-24"), e.getMessage());
        assertEquals(Optional.of(twin), registry.get(twin.subnet()));
        assertEquals(before, registry.revision(), "nothing was written");
    }

    @Test
    void eightMachinesWithOneHostnameGetEightSubnetsAndNoneLosesItsLease() {
        List<LeaseAttrs> machines = new ArrayList<>();
        List<LeaseManager.Held> held = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            LeaseAttrs a = attrs("vm", "192.168.56." + (10 + i), "eth1", idOf("machine-" + i));
            machines.add(a);
            held.add(new LeaseManager(registry, CLOCK, new Random(42)).acquire(request(a)));
        }
        assertEquals(8, held.stream().map(LeaseManager.Held::subnet).distinct().count(), "distinct subnets: " + held);
        assertEquals(8, registry.size());
        // restarts, each in turn: every machine gets its own subnet back and no check sees a lease taken away
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 8; i++) {
                LeaseManager.Held again = manager().acquire(request(machines.get(i)));
                assertTrue(again.reused());
                assertEquals(held.get(i).subnet(), again.subnet());
                held.set(i, again);
            }
            for (int i = 0; i < 8; i++) {
                manager().check(held.get(i), machines.get(i));
            }
        }
        assertEquals(8, registry.size());
    }

    @Test
    void aMachineWhoseAddressChangedGetsItsSubnetBackAtOnce() {
        // same machine (node ID) and name, new address: the node ID says it is this node's own lease
        Lease old = registry.seed(net("10.244.34.0/24"), attrs("vm", "192.168.56.11", "eth1", idOf("machine-1")));
        LeaseManager.Held held = manager().acquire(request(attrs("vm", "192.168.56.31", "eth1", idOf("machine-1"))));
        assertTrue(held.reused());
        assertEquals(old.subnet(), held.subnet());
        assertEquals(Ip4.parse("192.168.56.31"), registry.get(old.subnet()).orElseThrow().attrs().publicIp());
        assertEquals(1, registry.size());
    }

    @Test
    void aRenamedMachineKeepsItsSubnet() {
        Lease old = registry.seed(net("10.244.34.0/24"), attrs("vm", "192.168.56.11", "eth1", idOf("machine-1")));
        LeaseManager.Held held = manager().acquire(request(attrs("kube1", "192.168.56.11", "eth1", idOf("machine-1"))));
        assertTrue(held.reused());
        assertEquals(old.subnet(), held.subnet());
        assertEquals("kube1", registry.get(old.subnet()).orElseThrow().holder());
    }

    @Test
    void aLeaseOfAnotherMachineWithThisNameIsTakenOverOnlyOnceItExpired() {
        // this node's old subnet (its subnet.env) is held by the old holder; once that stops renewing, it is free
        Ip4Net mineBefore = net("10.244.34.0/24");
        registry.seed(mineBefore, attrs("vm", "192.168.56.11", "eth1", idOf("old-disk")));
        LeaseAttrs me = attrs("vm", "192.168.56.21", "eth1", idOf("new-disk"));

        LeaseManager.Held whileLive = manager().acquire(request(CONFIG, me, mineBefore));
        assertNotEquals(mineBefore, whileLive.subnet(), "a live lease of another machine is never shared");

        // later: the old holder stopped renewing and its lease expired (and so did the stand-in this node took meanwhile)
        registry.expire(whileLive.subnet());
        registry.expire(mineBefore);
        LeaseManager.Held afterExpiry = manager().acquire(request(CONFIG, me, mineBefore));
        assertEquals(mineBefore, afterExpiry.subnet());
        assertFalse(afterExpiry.reused());
    }

    @Test
    void aLeaseWithoutNodeIdIsThisNodesOnlyWithTheSameNameAndAddress() {
        // written by vxlabd before node IDs: name and address together still identify the node (upgrade path) ...
        Lease legacy = registry.seed(net("10.244.34.0/24"), attrs("vm", "192.168.56.11", "eth1", null));
        LeaseManager.Held held = manager().acquire(request(attrs("vm", "192.168.56.11", "eth1", idOf("machine-1"))));
        assertTrue(held.reused());
        assertEquals(legacy.subnet(), held.subnet());
        assertEquals(idOf("machine-1"), registry.get(legacy.subnet()).orElseThrow().attrs().node().id(), "now written with the node ID");

        // ... the name alone does not: that is how cloned machines all took one subnet
        Lease other = registry.seed(net("10.244.52.0/24"), attrs("vm", "192.168.56.12", "eth1", null));
        LeaseManager.Held second = manager().acquire(request(attrs("vm", "192.168.56.13", "eth1", idOf("machine-3"))));
        assertFalse(second.reused());
        assertNotEquals(other.subnet(), second.subnet());
        assertEquals(Optional.of(other), registry.get(other.subnet()));
    }

    @Test
    void agentsGivenOneNodeIdFileByMistakeStillGetASubnetEach() {
        // namespaces of one host sharing its /var/lib/vxlab/node-id: names and addresses differ
        String shared = idOf("one-host");
        Ip4Net a = manager().acquire(request(attrs("kube1", "192.168.56.11", "eth1", shared))).subnet();
        Ip4Net b = manager().acquire(request(attrs("kube2", "192.168.56.12", "eth1", shared))).subnet();
        assertNotEquals(a, b);
        assertEquals(2, registry.size());
    }

    @Test
    void checkSaysGoneWhenATwinWithThisNameTookTheSubnetAfterExpiry() {
        LeaseManager m = manager();
        LeaseAttrs me = attrs("vm", "192.168.56.11", "eth1", idOf("machine-1"));
        LeaseManager.Held held = m.acquire(request(me));
        registry.expire(held.subnet());
        registry.seed(held.subnet(), attrs("vm", "192.168.56.12", "eth1", idOf("machine-2")));
        LeaseGoneException e = assertThrows(LeaseGoneException.class, () -> m.check(held, me));
        assertTrue(e.getMessage().contains("now held by vm at 192.168.56.12"), e.getMessage());
    }

    // ---- many agents at once ----

    @Test
    @Timeout(60)
    void sixtyFourAgentsStartedAtOnceAllGetDistinctSubnets() throws Exception {
        int n = 64;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Ip4Net> got = new ConcurrentHashMap<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int i = 0; i < n; i++) {
                String node = "node-" + i;
                String ip = "192.168." + (56 + i / 200) + "." + (10 + i % 200);
                // the same seed everywhere: every agent goes for the same subnet first, so most lose races
                LeaseManager m = new LeaseManager(registry, CLOCK, new Random(42));
                pool.execute(() -> {
                    try {
                        ready.countDown();
                        go.await();
                        got.put(node, m.acquire(request(attrs(node, ip))).subnet());
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(50, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }

        assertEquals(List.of(), failures);
        assertEquals(n, got.size());
        assertEquals(n, new HashSet<>(got.values()).size(), "distinct subnets: " + got);
        assertEquals(n, registry.size());
        for (Map.Entry<String, Ip4Net> e : got.entrySet()) {
            assertTrue(CONFIG.inRange(e.getValue()));
            assertEquals(e.getKey(), registry.get(e.getValue()).orElseThrow().holder());
        }
    }
}
