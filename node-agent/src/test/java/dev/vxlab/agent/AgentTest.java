package dev.vxlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.backend.FakeKernel;
import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.config.ConfigLoader;
import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.iface.FakeInventory;
import dev.vxlab.agent.iptables.FakeIptables;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.lease.InMemoryRegistry;
import dev.vxlab.agent.lease.SubnetRegistry.LeaseEvent;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent's loop over hand-written fakes (registry, kernel, interfaces, iptables) and a manual clock: the loop runs
 * on the test's thread through minutes of agent time without sleeping ({@link ManualTime}); only the stop tests
 * use the real sleeper, on a thread of their own.
 */
@Timeout(20)
class AgentTest {
    static final Instant START = Instant.parse("2026-11-25T15:00:00Z");
    static final Ip4Net PEER = Ip4Net.parse("10.244.2.0/24");

    @TempDir
    Path dir;

    final ManualTime time = new ManualTime(START);
    final InMemoryRegistry etcd = new InMemoryRegistry("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
    final OutageRegistry registry = new OutageRegistry(etcd, time.clock());
    final FakeKernel kernel = new FakeKernel("eth1");
    AgentConfig config;
    AgentStatus status;
    Agent agent;

    @BeforeEach
    void setUp() {
        config = new ConfigLoader(Map.of(), p -> Optional.empty(), () -> "kube1").load(List.of(
                "--etcd-endpoints=http://127.0.0.1:2379", "--iface=eth1",
                "--subnet-file=" + dir.resolve("subnet.env"), "--docker-opts-file=" + dir.resolve("docker_opts.env"),
                "--node-id-file=" + dir.resolve("node-id")));
        etcd.seed(PEER, peer("kube2", 12));
        status = new AgentStatus(time.clock(), Duration.ofSeconds(30));
        agent = new Agent(config, registry, FakeInventory.vagrant(), kernel, new FakeIptables(), time.clock(), time,
                new SplittableRandom(7), status, new Metrics());
    }

    private static LeaseAttrs peer(String name, int host) {
        return LeaseAttrs.vxlan(Ip4.parse("192.168.56." + host), 1, String.format("02:00:00:00:00:%02x", host),
                new LeaseAttrs.NodeIdentity(name, "eth1", "%032x".formatted(host)));
    }

    private static Duration sec(long s) {
        return Duration.ofSeconds(s);
    }

    /** The subnet kube1 holds in etcd now. */
    private Ip4Net mine() {
        for (Lease l : etcd.leases().leases()) {
            if (l.attrs().heldBy("kube1")) {
                return l.subnet();
            }
        }
        throw new AssertionError("kube1 holds no lease: " + etcd.leases().leases());
    }

    private Optional<Route> routeTo(Ip4Net subnet) {
        for (Route r : kernel.routeSet()) {
            if (r.dst().equals(subnet)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Seconds since START of each instant at or after {@code from}. */
    private static List<Long> secondsSince(List<Instant> instants, Duration from) {
        List<Long> out = new ArrayList<>();
        for (Instant i : instants) {
            if (!i.isBefore(START.plus(from))) {
                out.add(Duration.between(START, i).toSeconds());
            }
        }
        return out;
    }

    @Test
    void aLeaseDeletedFromEtcdIsAcquiredAgainAtOnceWithTheSameSubnet() {
        List<Instant> created = new ArrayList<>();
        etcd.afterCreate(l -> created.add(time.instant()));
        Ip4Net[] before = new Ip4Net[1];
        time.at(sec(25), () -> { // between the periodic checks at 20 s and 30 s
            before[0] = mine();
            assertTrue(etcd.deleteKey(before[0]));
        });
        time.at(sec(26), agent::stop);

        agent.run();

        assertEquals(List.of(START, START.plus(sec(25))), created, "acquired at start, and again as soon as the key went");
        assertEquals(before[0], mine());
        assertTrue(status.health().ok(), status.health().text());
        assertTrue(routeTo(PEER).isPresent(), "the peer's route stays");
        assertTrue(Files.exists(dir.resolve("subnet.env")));
    }

    @Test
    void aRouteDeletedByHandIsBackWithinThreeChecksWhenAShortLeaseIsRenewedBetweenThem() {
        // a 20 s TTL is renewed every 13.3 s; each renewal used to put the next periodic check off by 10 s, so every
        // third check (the one that repairs hand edits) came every 40 s, not 30 s (bench/soak.sh found it)
        config = new ConfigLoader(Map.of(), p -> Optional.empty(), () -> "kube1").load(List.of(
                "--etcd-endpoints=http://127.0.0.1:2379", "--iface=eth1", "--subnet-lease-ttl=20s",
                "--subnet-file=" + dir.resolve("subnet.env"), "--docker-opts-file=" + dir.resolve("docker_opts.env"),
                "--node-id-file=" + dir.resolve("node-id")));
        agent = new Agent(config, registry, FakeInventory.vagrant(), kernel, new FakeIptables(), time.clock(), time,
                new SplittableRandom(7), status, new Metrics());
        long removed = 37; // just after the repair at 36.7 s of the old schedule; the next one was at 76.7 s
        List<Long> present = new ArrayList<>();
        time.at(sec(removed), () -> kernel.removeRouteBehindTheAgentsBack(PEER));
        for (long s = removed + 1; s <= removed + 45; s++) {
            long at = s;
            time.at(sec(at), () -> {
                if (routeTo(PEER).isPresent()) {
                    present.add(at);
                }
            });
        }
        time.at(sec(removed + 46), agent::stop);

        agent.run();

        assertFalse(present.isEmpty(), "the route never came back");
        assertTrue(present.get(0) - removed <= Agent.CHECK_INTERVAL.toSeconds() * Agent.RESYNC_EVERY,
                "back " + (present.get(0) - removed) + " s after it was deleted");
        assertTrue(status.health().ok(), status.health().text());
    }

    @Test
    void anUnreachableEtcdIsAskedAgainAfter1_2_4_8_16_30sByTheClockThenResynced() {
        time.at(sec(15), () -> registry.down(8)); // the check at 20 s and the 7 after it fail
        time.at(sec(200), agent::stop);

        agent.run();

        assertEquals(List.of(20L, 21L, 23L, 27L, 35L, 51L, 81L, 111L), secondsSince(registry.refused, sec(1)));
        // 141 s: etcd answers; the watch may have died with the connection: list and watch afresh, once
        assertEquals(List.of(141L), secondsSince(registry.listed, sec(1)));
        assertTrue(status.health().ok(), status.health().text());
        assertTrue(routeTo(PEER).isPresent());
    }

    @Test
    void aBrokenWatchCostsExactlyOneResync() {
        time.at(sec(5), () -> etcd.failWatches(new IllegalStateException("mvcc: required revision has been compacted")));
        // the closed watch reports its end once more (a late callback of its thread): not another resync
        time.at(sec(6), () -> registry.listeners.get(0).onError(new IllegalStateException("stream closed")));
        time.at(sec(7), () -> etcd.seed(Ip4Net.parse("10.244.3.0/24"), peer("kube3", 13)));
        time.at(sec(65), agent::stop);

        agent.run();

        assertEquals(List.of(5L), secondsSince(registry.listed, sec(1)));
        assertEquals(2, registry.listeners.size(), "the first watch and the one after the resync");
        assertTrue(routeTo(Ip4Net.parse("10.244.3.0/24")).isPresent(), "the new watch delivers");
    }

    @Test
    void eventsOfAClosedWatchAreDroppedEvenWhenTheyArriveDuringTheResync() {
        Ip4Net ghost = Ip4Net.parse("10.244.77.0/24");
        Ip4Net later = Ip4Net.parse("10.244.78.0/24");
        Lease ghostLease = new Lease(ghost, peer("kube77", 77), 0x99, 1, 1);
        Lease laterLease = new Lease(later, peer("kube78", 78), 0x98, 1, 1);
        time.at(sec(5), () -> {
            // the old watch's thread is still delivering a put that the list no longer holds
            registry.duringNextList(() -> registry.listeners.get(0).onChange(List.of(new LeaseEvent(ghost, ghostLease, 1))));
            etcd.failWatches(new IllegalStateException("watch closed"));
        });
        time.at(sec(6), () -> registry.listeners.get(0).onChange(List.of(new LeaseEvent(later, laterLease, 1))));
        time.at(sec(7), () -> etcd.seed(Ip4Net.parse("10.244.3.0/24"), peer("kube3", 13)));
        time.at(sec(8), agent::stop);

        agent.run();

        assertEquals(2, registry.listeners.size());
        assertTrue(routeTo(Ip4Net.parse("10.244.3.0/24")).isPresent(), "the current watch's event is applied");
        assertEquals(Optional.empty(), routeTo(ghost));
        assertEquals(Optional.empty(), routeTo(later));
    }

    @Test
    void stopEndsTheLoopPromptlyWhileItWaitsForTheNextCheck() throws Exception {
        Agent real = new Agent(config, etcd, FakeInventory.vagrant(), kernel, new FakeIptables(), Clock.systemUTC(),
                new SplittableRandom(7), new AgentStatus(Clock.systemUTC(), Duration.ofSeconds(30)), new Metrics());
        Thread loop = new Thread(real::run, "agent");
        loop.setDaemon(true);
        loop.start();
        Path subnetEnv = dir.resolve("subnet.env");
        for (int i = 0; i < 500 && !Files.exists(subnetEnv); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(subnetEnv), "the agent reached its loop");
        Thread.sleep(50); // into its wait for the check 10 s away
        assertStopsPromptly(real, loop);
    }

    @Test
    void stopEndsTheLoopPromptlyWhileItBacksOffFromAnUnreachableEtcd() throws Exception {
        OutageRegistry down = new OutageRegistry(etcd, Clock.systemUTC());
        down.down(Integer.MAX_VALUE);
        Agent real = new Agent(config, down, FakeInventory.vagrant(), kernel, new FakeIptables(), Clock.systemUTC(),
                new SplittableRandom(7), new AgentStatus(Clock.systemUTC(), Duration.ofSeconds(30)), new Metrics());
        Thread loop = new Thread(real::run, "agent");
        loop.setDaemon(true);
        loop.start();
        for (int i = 0; i < 500 && down.refused.size() < 2; i++) {
            Thread.sleep(10);
        }
        assertEquals(2, down.refused.size(), "asked for the network config, waited 1 s, asked again: now waits 2 s");
        Thread.sleep(50);
        assertStopsPromptly(real, loop);
    }

    private static void assertStopsPromptly(Agent agent, Thread loop) throws InterruptedException {
        long t0 = System.nanoTime();
        agent.stop();
        loop.join(2000);
        assertFalse(loop.isAlive(), "run() still running 2 s after stop()");
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "run() took over 1 s to return after stop()");
    }
}
