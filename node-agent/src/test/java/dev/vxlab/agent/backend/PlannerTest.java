package dev.vxlab.agent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.agent.Backends;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.LeaseAttrs.NodeIdentity;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final String KEY = "/coreos.com/network/config";
    static final NetworkConfig VXLAN = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
    static final NetworkConfig VXLAN_7 = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":7}}");
    static final NetworkConfig DIRECT = NetworkConfig.parse(KEY,
            "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}");
    static final NetworkConfig HOST_GW = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");

    /** node-a holds 10.244.34.0/24 and sits on eth1 = 192.168.56.11/24 (and 172.30.0.11/16 on the same interface). */
    static final Planner.Self SELF = new Planner.Self(net("10.244.34.0/24"),
            LeaseAttrs.vxlan(ip("192.168.56.11"), 1, "02:00:00:00:00:34", identity("node-a")), "eth1",
            List.of(net("192.168.56.0/24"), net("172.30.0.0/16")));

    /** Each test node is a machine of its own: its node ID follows from its name. */
    static NodeIdentity identity(String node) {
        return node == null ? null : new NodeIdentity(node, "eth1", "1d" + Integer.toHexString(node.hashCode()));
    }

    static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    static Lease vxlanLease(String subnet, String publicIp, String mac, String node) {
        return new Lease(net(subnet), LeaseAttrs.vxlan(ip(publicIp), 1, mac, identity(node)),
                0x7a01, 10, 10);
    }

    static Lease hostGwLease(String subnet, String publicIp, String node) {
        return new Lease(net(subnet), LeaseAttrs.hostGw(ip(publicIp), identity(node)), 0x7a02, 11, 11);
    }

    static DesiredState plan(NetworkConfig cfg, Lease... leases) {
        return Planner.plan(Backends.create(cfg), cfg, SELF, List.of(leases));
    }

    static String fixture(String name) {
        try (InputStream in = PlannerTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- vxlan ----

    @Test
    void aRemoteVxlanLeaseGetsOneNeighbourOneFdbEntryAndOneOnlinkRoute() {
        DesiredState d = plan(VXLAN, vxlanLease("10.244.2.0/24", "192.168.56.12", "0e:b5:dc:fa:0c:9a", "node-b"));

        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "0e:b5:dc:fa:0c:9a", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("0e:b5:dc:fa:0c:9a", ip("192.168.56.12"), "flannel.1")), d.fdb());
        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
    }

    @Test
    void eachPeerGetsItsOwnThreeEntries() {
        DesiredState d = plan(VXLAN,
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"),
                vxlanLease("10.244.3.0/24", "192.168.56.13", "02:00:00:00:00:03", "node-c"));

        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "02:00:00:00:00:02", "flannel.1"),
                new Neighbor(ip("10.244.3.0"), "02:00:00:00:00:03", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:02", ip("192.168.56.12"), "flannel.1"),
                new FdbEntry("02:00:00:00:00:03", ip("192.168.56.13"), "flannel.1")), d.fdb());
        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true),
                new Route(net("10.244.3.0/24"), ip("10.244.3.0"), "flannel.1", true)), d.routes());
    }

    @Test
    void theVtepMacIsLowerCased() {
        DesiredState d = plan(VXLAN, vxlanLease("10.244.2.0/24", "192.168.56.12", "0E:B5:DC:FA:0C:9A", "node-b"));

        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "0e:b5:dc:fa:0c:9a", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("0e:b5:dc:fa:0c:9a", ip("192.168.56.12"), "flannel.1")), d.fdb());
    }

    @Test
    void aLeaseWrittenByFlanneldIsAPeerLikeAnyOther() {
        // flanneld v0.20.2's exact value: no "Vxlab" member, so no node name
        LeaseAttrs attrs = LeaseAttrs.fromJson(fixture("lease/flanneld-v0.20.2-vxlan.json"));
        DesiredState d = plan(VXLAN, new Lease(net("10.244.28.0/24"), attrs, 0x7a03, 12, 12));

        assertEquals(Set.of(new Neighbor(ip("10.244.28.0"), "0e:b5:dc:fa:0c:9a", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("0e:b5:dc:fa:0c:9a", ip("10.99.0.2"), "flannel.1")), d.fdb());
        assertEquals(Set.of(new Route(net("10.244.28.0/24"), ip("10.244.28.0"), "flannel.1", true)), d.routes());
    }

    @Test
    void aLeaseWithThisNodesNameFromAnotherMachineIsAPeer() {
        // machines cloned with one hostname: the name repeats, the node ID and address do not (it once was
        // skipped as "ours" on every node: 0 routes of 240 at 16 nodes)
        Lease twin = new Lease(net("10.244.5.0/24"), LeaseAttrs.vxlan(ip("192.168.56.15"), 1, "02:00:00:00:00:05",
                new NodeIdentity("node-a", "eth1", "0123456789abcdef0123456789abcdef")), 0x7a05, 13, 13);
        DesiredState d = plan(VXLAN, twin);

        assertEquals(Set.of(new Route(net("10.244.5.0/24"), ip("10.244.5.0"), "flannel.1", true)), d.routes());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:05", ip("192.168.56.15"), "flannel.1")), d.fdb());
    }

    @Test
    void theOwnLeaseIsSkippedBySubnet() {
        // a lease for our subnet written by flanneld (no node name) is still ours
        DesiredState d = plan(VXLAN,
                vxlanLease("10.244.34.0/24", "192.168.56.11", "02:00:00:00:00:34", null),
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "02:00:00:00:00:02", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:02", ip("192.168.56.12"), "flannel.1")), d.fdb());
    }

    @Test
    void theOwnLeaseIsSkippedByNodeName() {
        // a second key of ours (say the subnet held before a re-acquire) must not become a route to ourselves
        DesiredState d = plan(VXLAN,
                vxlanLease("10.244.9.0/24", "192.168.56.11", "02:00:00:00:00:09", "node-a"),
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "02:00:00:00:00:02", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:02", ip("192.168.56.12"), "flannel.1")), d.fdb());
    }

    @Test
    void leasesOfAnotherBackendTypeAreSkipped() {
        DesiredState d = plan(VXLAN,
                hostGwLease("10.244.5.0/24", "192.168.56.15", "node-e"),
                new Lease(net("10.244.6.0/24"), new LeaseAttrs(ip("192.168.56.16"), null, "udp", null, null), 1, 1, 1),
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
        assertEquals(1, d.neighbors().size());
        assertEquals(1, d.fdb().size());
    }

    @Test
    void aVxlanLeaseWithoutVtepMacIsSkipped() {
        Lease noMac = new Lease(net("10.244.4.0/24"),
                new LeaseAttrs(ip("192.168.56.14"), null, "vxlan", Map.of("VNI", 1L), null), 1, 1, 1);
        Lease noBackendData = new Lease(net("10.244.5.0/24"), new LeaseAttrs(ip("192.168.56.15"), null, "vxlan", null, null), 1, 1, 1);

        DesiredState d = plan(VXLAN, noMac, noBackendData, vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "02:00:00:00:00:02", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:02", ip("192.168.56.12"), "flannel.1")), d.fdb());
    }

    @Test
    void noPeersNoEntries() {
        assertEquals(DesiredState.EMPTY, plan(VXLAN));
        assertEquals(DesiredState.EMPTY, plan(VXLAN, vxlanLease("10.244.34.0/24", "192.168.56.11", "02:00:00:00:00:34", "node-a")));
    }

    @Test
    void vni7UsesFlannel7() {
        assertEquals("flannel.7", Planner.vxlanDevice(7));
        DesiredState d = plan(VXLAN_7, vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), "02:00:00:00:00:02", "flannel.7")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:02", ip("192.168.56.12"), "flannel.7")), d.fdb());
        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.7", true)), d.routes());
    }

    // ---- DirectRouting ----

    @Test
    void directRoutingSendsAPeerOnTheSameNetworkStraightToItsPublicIp() {
        DesiredState d = plan(DIRECT,
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"),
                vxlanLease("10.244.3.0/24", "172.30.8.13", "02:00:00:00:00:03", "node-c"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("192.168.56.12"), "eth1", false),
                new Route(net("10.244.3.0/24"), ip("172.30.8.13"), "eth1", false)), d.routes());
        assertEquals(Set.of(), d.neighbors());
        assertEquals(Set.of(), d.fdb());
    }

    @Test
    void directRoutingStillTunnelsToAPeerOnAnotherNetwork() {
        DesiredState d = plan(DIRECT,
                vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"),
                vxlanLease("10.244.7.0/24", "10.99.0.7", "02:00:00:00:00:07", "node-g"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("192.168.56.12"), "eth1", false),
                new Route(net("10.244.7.0/24"), ip("10.244.7.0"), "flannel.1", true)), d.routes());
        assertEquals(Set.of(new Neighbor(ip("10.244.7.0"), "02:00:00:00:00:07", "flannel.1")), d.neighbors());
        assertEquals(Set.of(new FdbEntry("02:00:00:00:00:07", ip("10.99.0.7"), "flannel.1")), d.fdb());
    }

    @Test
    void withoutDirectRoutingAPeerOnTheSameNetworkIsTunnelled() {
        DesiredState d = plan(VXLAN, vxlanLease("10.244.2.0/24", "192.168.56.12", "02:00:00:00:00:02", "node-b"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("10.244.2.0"), "flannel.1", true)), d.routes());
        assertEquals(1, d.neighbors().size());
        assertEquals(1, d.fdb().size());
    }

    // ---- host-gw ----

    @Test
    void hostGwRoutesEachHostGwPeerViaItsPublicIpOnTheExternalInterface() {
        DesiredState d = plan(HOST_GW,
                hostGwLease("10.244.2.0/24", "192.168.56.12", "node-b"),
                hostGwLease("10.244.3.0/24", "192.168.56.13", "node-c"),
                hostGwLease("10.244.34.0/24", "192.168.56.11", "node-a"),
                vxlanLease("10.244.4.0/24", "192.168.56.14", "02:00:00:00:00:04", "node-d"));

        assertEquals(Set.of(new Route(net("10.244.2.0/24"), ip("192.168.56.12"), "eth1", false),
                new Route(net("10.244.3.0/24"), ip("192.168.56.13"), "eth1", false)), d.routes());
        assertEquals(Set.of(), d.neighbors());
        assertEquals(Set.of(), d.fdb());
    }

    @Test
    void leasesOutsideTheNetworkGetNoEntriesSoNoneCanBeLeftBehind() {
        DesiredState d = plan(HOST_GW, hostGwLease("10.245.2.0/24", "192.168.56.12", "node-b"),
                hostGwLease("10.244.3.0/24", "192.168.56.13", "node-c"));
        assertEquals(1, d.routes().size(), d.toString());
        assertEquals(net("10.244.3.0/24"), d.routes().iterator().next().dst());
        DesiredState v = plan(VXLAN, vxlanLease("10.245.2.0/24", "192.168.56.12", "0e:00:00:00:00:02", "node-b"));
        assertEquals(DesiredState.EMPTY, v);
    }
}
