package dev.vxlab.agent.iproute2;

import dev.vxlab.agent.Backends;
import dev.vxlab.agent.backend.DesiredState;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.backend.Reconciler;
import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The parsers of {@link IpRoute2Executor} over real iproute2 output (see src/test/resources/iproute2/README.md). */
class IpRoute2ExecutorTest {

    static String fixture(String name) {
        try (InputStream in = IpRoute2ExecutorTest.class.getResourceAsStream("/iproute2/" + name)) {
            assertNotNull(in, "missing fixture iproute2/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    static final VxlanLink WANTED = new VxlanLink("flannel.1", 1, "eth1", ip("192.168.77.11"), 8472, false, "02:99:99:99:99:99", 0,
            false, List.of());

    // ---- ip -d -j link show / ip -j addr show ----

    @Test
    void aVxlanDeviceWithItsAddress() {
        Optional<VxlanLink> link = IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1.json"), fixture("ip-addr-show-flannel.1.json"));

        assertEquals(Optional.of(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.77.11"), 8472, false, "02:11:22:33:44:55", 1450, true,
                List.of(net("10.244.34.0/32")))), link, "the IPv6 link-local address is not an IPv4 address of the device");
        assertNull(link.get().incompatibility(WANTED), "the device the agent creates is compatible with itself");
    }

    @Test
    void theIpv4OnlyAddressListGivesTheSameDevice() {
        assertEquals(IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1.json"), fixture("ip-addr-show-flannel.1.json")),
                IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1.json"), fixture("ip-4-addr-show-flannel.1.json")));
    }

    @Test
    void aDeviceWithoutAddresses() {
        VxlanLink link = IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1.json"), "[]").orElseThrow();
        assertEquals(List.of(), link.addresses());
        assertEquals(1, link.vni());
    }

    @Test
    void aJustCreatedDeviceIsDownWithoutAddresses() {
        // right after "ip link add flannel.1 ... type vxlan ...": the kernel chose MTU 1450 itself, the device is down
        VxlanLink link = IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1-just-created.json"), "[]").orElseThrow();

        assertEquals(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.77.11"), 8472, false, "02:11:22:33:44:55", 1450, false,
                List.of()), link);
    }

    @Test
    void aBridgeOfTheSameNameIsAnIncompatibleDevice() {
        VxlanLink link = IpRoute2Executor.parseVxlan(fixture("ip-link-show-flannel.1-bridge.json"), "[]").orElseThrow();

        assertEquals(new VxlanLink("flannel.1", -1, null, null, 0, false, "7a:c2:b0:fd:a9:81", 1500, false, List.of()), link);
        assertEquals("vni: 1 vs -1", link.incompatibility(WANTED));
    }

    @Test
    void noDevice() {
        assertEquals(Optional.empty(), IpRoute2Executor.parseVxlan("[]", "[]"));
    }

    // ---- neighbours, FDB, routes ----

    @Test
    void permanentNeighbours() {
        assertEquals(List.of(new Neighbor(ip("10.244.2.0"), "02:aa:bb:cc:dd:ee", "flannel.1")),
                IpRoute2Executor.parseNeighbors(fixture("ip-neigh-show-flannel.1.json"), "flannel.1"));
    }

    @Test
    void neighboursThatAreNotPermanentOrNotIpv4OrWithoutMacAreLeftOut() {
        String json = "[{\"dst\":\"10.244.2.0\",\"lladdr\":\"02:aa:bb:cc:dd:ee\",\"state\":[\"PERMANENT\"]},"
                + "{\"dst\":\"10.244.4.0\",\"lladdr\":\"02:aa:bb:cc:dd:04\",\"state\":[\"STALE\"]},"
                + "{\"dst\":\"10.244.5.0\",\"state\":[\"FAILED\"]},"
                + "{\"dst\":\"fe80::1\",\"lladdr\":\"02:aa:bb:cc:dd:06\",\"state\":[\"PERMANENT\"]}]";

        assertEquals(List.of(new Neighbor(ip("10.244.2.0"), "02:aa:bb:cc:dd:ee", "flannel.1")),
                IpRoute2Executor.parseNeighbors(json, "flannel.1"));
    }

    @Test
    void permanentFdbEntries() {
        assertEquals(List.of(new FdbEntry("02:aa:bb:cc:dd:ee", ip("192.168.77.12"), "flannel.1")),
                IpRoute2Executor.parseFdb(fixture("bridge-fdb-show-flannel.1.json"), "flannel.1"));
    }

    @Test
    void fdbEntriesWithoutDestinationOrNotPermanentAreLeftOut() {
        String json = "[{\"mac\":\"02:aa:bb:cc:dd:ee\",\"dst\":\"192.168.77.12\",\"flags\":[\"self\"],\"state\":\"permanent\"},"
                + "{\"mac\":\"33:33:00:00:00:01\",\"flags\":[\"self\"],\"state\":\"permanent\"},"
                + "{\"mac\":\"02:aa:bb:cc:dd:07\",\"dst\":\"192.168.77.17\",\"flags\":[\"self\"],\"state\":\"\"}]";

        assertEquals(List.of(new FdbEntry("02:aa:bb:cc:dd:ee", ip("192.168.77.12"), "flannel.1")), IpRoute2Executor.parseFdb(json, "flannel.1"));
    }

    @Test
    void gatewayRoutesWithTheirOnlinkFlag() {
        assertEquals(List.of(
                new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true),
                new Route(net("10.244.3.0/24"), ip("192.168.77.12"), "eth1", false)),
                IpRoute2Executor.parseRoutes(fixture("ip-route-show.json")),
                "the connected route has no gateway; linkdown is not onlink");
    }

    @Test
    void defaultAndHostRoutes() {
        String json = "[{\"dst\":\"default\",\"gateway\":\"192.168.77.1\",\"dev\":\"eth1\",\"flags\":[]},"
                + "{\"dst\":\"10.244.9.7\",\"gateway\":\"192.168.77.19\",\"dev\":\"eth1\",\"flags\":[]}]";

        assertEquals(List.of(new Route(net("10.244.9.7/32"), ip("192.168.77.19"), "eth1", false)), IpRoute2Executor.parseRoutes(json));
    }

    @Test
    void whatTheAgentInstalledReadsBackAsNothingToDo() {
        // the fixtures hold the entries for one vxlan peer, plus a host-gw style route left on eth1
        NetworkConfig cfg = NetworkConfig.parse("/coreos.com/network/config", "{\"Network\":\"10.244.0.0/16\"}");
        Planner.Self self = new Planner.Self(net("10.244.34.0/24"),
                LeaseAttrs.vxlan(ip("192.168.77.11"), 1, "02:00:00:00:00:34", new LeaseAttrs.NodeIdentity("node-a", "eth1")),
                "eth1", List.of(net("192.168.77.0/24")));
        Lease peer = new Lease(net("10.244.2.0/24"), LeaseAttrs.vxlan(ip("192.168.77.12"), 1, "02:AA:BB:CC:DD:EE", null), 1, 2, 2);
        DesiredState desired = Planner.plan(Backends.create(cfg), cfg, self, List.of(peer));
        DesiredState actual = new DesiredState(
                Set.copyOf(IpRoute2Executor.parseNeighbors(fixture("ip-neigh-show-flannel.1.json"), "flannel.1")),
                Set.copyOf(IpRoute2Executor.parseFdb(fixture("bridge-fdb-show-flannel.1.json"), "flannel.1")),
                Set.copyOf(IpRoute2Executor.parseRoutes(fixture("ip-route-show.json"))));

        List<Change> changes = Reconciler.diff(desired, actual, new Reconciler.Scope("flannel.1", "eth1", cfg.network()));

        assertEquals(List.of("ip route del 10.244.3.0/24 via 192.168.77.12 dev eth1"), changes.stream().map(Change::command).toList());
    }

    // ---- apply: one long-lived batch process per tool ----

    @Test
    void changesGoToTheirToolsBatchProcessAndFailuresNameTheirChange() {
        FakeBatchTool ipTool = new FakeBatchTool();
        FakeBatchTool bridgeTool = new FakeBatchTool();
        Change fdbDel = new Change.DeleteFdb(new FdbEntry("02:aa:bb:cc:dd:09", ip("192.168.77.19"), "flannel.1"));
        Change fdbPut = new Change.ReplaceFdb(new FdbEntry("02:aa:bb:cc:dd:ee", ip("192.168.77.12"), "flannel.1"));
        Change routeDel = new Change.DeleteRoute(new Route(net("10.244.9.0/24"), ip("10.244.9.0"), "flannel.1", true));
        Change neighDel = new Change.DeleteNeighbor(new Neighbor(ip("10.244.7.0"), "02:aa:bb:cc:dd:07", "flannel.1"));
        Change neighPut = new Change.ReplaceNeighbor(new Neighbor(ip("10.244.2.0"), "02:aa:bb:cc:dd:ee", "flannel.1"));
        Change routePut = new Change.ReplaceRoute(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true));
        bridgeTool.fails.put(fdbDel.args(), "RTNETLINK answers: No such file or directory");
        ipTool.fails.put(routeDel.args(), "RTNETLINK answers: No such process");
        ipTool.exits.put(neighDel.args(), "RTNETLINK answers: No such file or directory");

        try (IpRoute2Executor kernel = new IpRoute2Executor(new BatchProcess(List.of("ip"), ipTool, Duration.ofSeconds(5)),
                new BatchProcess(List.of("bridge"), bridgeTool, Duration.ofSeconds(5)))) {
            List<Kernel.Failure> failures = kernel.apply(List.of(fdbDel, fdbPut, routeDel, neighDel, neighPut, routePut));

            assertEquals(List.of(new Kernel.Failure(fdbDel, "RTNETLINK answers: No such file or directory"),
                    new Kernel.Failure(routeDel, "RTNETLINK answers: No such process"),
                    new Kernel.Failure(neighDel, "ip exited with code 2: RTNETLINK answers: No such file or directory")), failures);
            assertEquals(List.of(neighPut.args(), routePut.args()), ipTool.processes.get(1).stream()
                    .filter(l -> !l.equals(BatchProcess.SENTINEL)).toList(), "each change tried even after one ended ip");

            assertEquals(List.of(), kernel.apply(List.of(fdbPut, routePut)));
            assertEquals(1, bridgeTool.processes.size());
            assertEquals(2, ipTool.processes.size());
        }
    }
}
