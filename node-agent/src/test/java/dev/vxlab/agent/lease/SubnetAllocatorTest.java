package dev.vxlab.agent.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SubnetAllocatorTest {
    private static final String KEY = "/coreos.com/network/config";

    private static NetworkConfig config(String json) {
        return NetworkConfig.parse(KEY, json);
    }

    private static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    /** A hand-written random source that always answers {@code nextLong(bound)} with a fixed choice. */
    private static final class FixedRandom implements RandomGenerator {
        private final boolean alwaysZero;
        int calls;

        FixedRandom(boolean alwaysZero) {
            this.alwaysZero = alwaysZero;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("the allocator should ask for a bounded value");
        }

        @Override
        public long nextLong(long bound) {
            calls++;
            return alwaysZero ? 0 : bound - 1;
        }
    }

    @Test
    void emptyRegistryEveryRangeSubnetIsFree() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/16\"}");
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, List.of(), new Random(1));
        assertEquals(255, p.total());
        assertEquals(255, p.free());
        assertTrue(p.chosen().isPresent());
        assertTrue(c.inRange(p.chosen().get()), p.chosen().get().toString());
    }

    @Test
    void picksOnlyFreeSubnetsInRange() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.10.0\",\"SubnetMax\":\"10.244.30.0\"}");
        List<Ip4Net> taken = List.of(net("10.244.12.0/24"), net("10.244.20.0/24"), net("10.244.30.0/24"),
                net("10.244.5.0/24") /* below SubnetMin: does not count */, net("10.99.0.0/24") /* outside */);
        Random random = new Random(42);
        Set<Ip4Net> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, random);
            assertEquals(21, p.total());
            assertEquals(18, p.free());
            Ip4Net s = p.chosen().orElseThrow();
            assertTrue(c.inRange(s), s + " is out of range");
            assertTrue(SubnetAllocator.isFree(s, taken), s + " is taken");
            seen.add(s);
        }
        assertEquals(18, seen.size(), "every free subnet gets chosen sooner or later: " + seen);
    }

    @Test
    void aWiderTakenNetworkBlocksEverySubnetInside() {
        // a /16 taken inside a /8 network handing out /24s
        NetworkConfig c = config("{\"Network\":\"10.0.0.0/8\"}");
        List<Ip4Net> taken = List.of(net("10.5.0.0/16"));
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, new Random(7));
        assertEquals(65535, p.total());
        assertEquals(65535 - 256, p.free());
        Random random = new Random(8);
        for (int i = 0; i < 500; i++) {
            Ip4Net s = SubnetAllocator.pick(c, taken, random).chosen().orElseThrow();
            assertFalse(net("10.5.0.0/16").contains(s), s + " lies inside the taken /16");
        }
    }

    @Test
    void aNarrowerTakenNetworkBlocksTheSubnetItSitsIn() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.1.0\",\"SubnetMax\":\"10.244.3.0\"}");
        List<Ip4Net> taken = List.of(net("10.244.1.128/25"), net("10.244.3.252/30"));
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, new Random(3));
        assertEquals(3, p.total());
        assertEquals(1, p.free());
        assertEquals(net("10.244.2.0/24"), p.chosen().orElseThrow());

        // single addresses at the first and the last address of a subnet
        for (Ip4Net single : List.of(net("10.244.2.0/32"), net("10.244.2.255/32"))) {
            SubnetAllocator.Pick none = SubnetAllocator.pick(c, List.of(net("10.244.1.128/25"), net("10.244.3.252/30"), single),
                    new Random(3));
            assertEquals(0, none.free(), single.toString());
            assertTrue(none.chosen().isEmpty());
        }
    }

    @Test
    void takenNetworksOfMixedSizesInAnyOrder() {
        NetworkConfig c = config("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":16}");
        // 255 /16 subnets 10.1..10.255; taken: 10.0.0.0/12 covers 10.1-10.15, a /16 inside it, a /24 in 10.200,
        // a /14 covering 10.32-10.35, and a /8 elsewhere
        List<Ip4Net> taken = new ArrayList<>(List.of(net("10.200.3.0/24"), net("10.2.0.0/16"), net("10.32.0.0/14"),
                net("10.0.0.0/12"), net("11.0.0.0/8")));
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, new Random(5));
        assertEquals(255, p.total());
        assertEquals(255 - 15 - 4 - 1, p.free());
        Random random = new Random(6);
        Set<Ip4Net> seen = new HashSet<>();
        for (int i = 0; i < 20000; i++) {
            Ip4Net s = SubnetAllocator.pick(c, taken, random).chosen().orElseThrow();
            assertTrue(SubnetAllocator.isFree(s, taken), s + " overlaps a taken network");
            seen.add(s);
        }
        assertEquals(235, seen.size());
    }

    @Test
    void takenNetworkCoveringTheWholeRangeLeavesNothing() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/16\"}");
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, List.of(net("10.0.0.0/8")), new Random(1));
        assertEquals(255, p.total());
        assertEquals(0, p.free());
        assertTrue(p.chosen().isEmpty());
    }

    @Test
    void emptyWhenExhausted() {
        NetworkConfig c = config("{\"Network\":\"192.168.100.0/26\"}"); // /28 subnets .16 .32 .48
        List<Ip4Net> taken = List.of(net("192.168.100.16/28"), net("192.168.100.32/28"), net("192.168.100.48/28"));
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, new Random(1));
        assertEquals(3, p.total());
        assertEquals(0, p.free());
        assertTrue(p.chosen().isEmpty());

        SubnetAllocator.Pick one = SubnetAllocator.pick(c, taken.subList(0, 2), new Random(1));
        assertEquals(1, one.free());
        assertEquals(net("192.168.100.48/28"), one.chosen().orElseThrow());
    }

    @Test
    void everyFreeSubnetIsChosenAboutEquallyOften() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/20\"}"); // 15 subnets 10.244.1.0 .. 10.244.15.0
        List<Ip4Net> taken = List.of(net("10.244.2.0/24"), net("10.244.3.0/24"), net("10.244.9.0/24"),
                net("10.244.14.0/24"), net("10.244.15.0/24"));
        Random random = new Random(20240601);
        Map<Ip4Net, Integer> counts = new HashMap<>();
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            counts.merge(SubnetAllocator.pick(c, taken, random).chosen().orElseThrow(), 1, Integer::sum);
        }
        assertEquals(10, counts.size(), "every one of the 10 free subnets can be chosen: " + counts.keySet());
        for (Map.Entry<Ip4Net, Integer> e : counts.entrySet()) {
            assertFalse(taken.contains(e.getKey()));
            // expected 1000 each; 6 standard deviations is about 180
            assertTrue(e.getValue() > 800 && e.getValue() < 1200, "not uniform: " + counts);
        }
    }

    @Test
    void reservoirSamplingKeepsTheFirstOrTheLastFreeSubnet() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/20\"}");
        List<Ip4Net> taken = List.of(net("10.244.1.0/24"), net("10.244.15.0/24"));
        // nextLong(n) == 0 always: each later free subnet replaces the choice, so the last free one wins
        FixedRandom zero = new FixedRandom(true);
        SubnetAllocator.Pick last = SubnetAllocator.pick(c, taken, zero);
        assertEquals(net("10.244.14.0/24"), last.chosen().orElseThrow());
        assertEquals(13, zero.calls, "one draw per free subnet");
        // nextLong(n) == n-1: only the first free subnet (n == 1) is ever chosen
        SubnetAllocator.Pick first = SubnetAllocator.pick(c, taken, new FixedRandom(false));
        assertEquals(net("10.244.2.0/24"), first.chosen().orElseThrow());
        assertEquals(13, first.free());
        assertEquals(15, first.total());
    }

    @Test
    void sameSeedSameChoice() {
        NetworkConfig c = config("{\"Network\":\"10.0.0.0/8\"}");
        assertEquals(SubnetAllocator.pick(c, List.of(), new Random(99)).chosen(),
                SubnetAllocator.pick(c, List.of(), new Random(99)).chosen());
    }

    @Test
    void upperHalfOfTheAddressSpace() {
        NetworkConfig c = config("{\"Network\":\"192.168.0.0/16\",\"SubnetMin\":\"192.168.250.0\"}");
        List<Ip4Net> taken = List.of(net("192.168.252.0/23"));
        SubnetAllocator.Pick p = SubnetAllocator.pick(c, taken, new FixedRandom(true));
        assertEquals(6, p.total());
        assertEquals(4, p.free());
        assertEquals(net("192.168.255.0/24"), p.chosen().orElseThrow());
        assertEquals(net("192.168.250.0/24"), SubnetAllocator.pick(c, taken, new FixedRandom(false)).chosen().orElseThrow());
    }

    @Test
    void chosenSubnetHasTheConfiguredLength() {
        NetworkConfig c = config("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":26}");
        Ip4Net s = SubnetAllocator.pick(c, List.of(), new Random(4)).chosen().orElseThrow();
        assertEquals(26, s.prefixLen());
        assertEquals(s.network(), s.ip());
        assertEquals(1023, SubnetAllocator.pick(c, List.of(), new Random(4)).total());
    }

    @Test
    void isFree() {
        List<Ip4Net> taken = List.of(net("10.5.0.0/16"), net("10.244.7.0/24"), net("10.244.9.128/25"));
        assertFalse(SubnetAllocator.isFree(net("10.5.3.0/24"), taken), "inside a wider taken network");
        assertFalse(SubnetAllocator.isFree(net("10.4.0.0/15"), taken), "contains a taken network");
        assertFalse(SubnetAllocator.isFree(net("10.244.7.0/24"), taken), "the same network");
        assertFalse(SubnetAllocator.isFree(net("10.244.9.0/24"), taken), "contains a narrower taken network");
        assertTrue(SubnetAllocator.isFree(net("10.244.8.0/24"), taken), "adjacent");
        assertTrue(SubnetAllocator.isFree(net("10.244.6.0/24"), taken), "adjacent");
        assertTrue(SubnetAllocator.isFree(net("10.6.0.0/24"), taken));
        assertTrue(SubnetAllocator.isFree(net("10.244.9.0/25"), taken), "the other half");
        assertTrue(SubnetAllocator.isFree(net("10.244.7.0/24"), List.of()));
        assertTrue(SubnetAllocator.isFree(new Ip4Net(Ip4.parse("10.244.8.0"), 24), taken));
    }
}
