package dev.vxlab.agent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.Backends;
import dev.vxlab.agent.backend.vxlan.VtepMac;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.iface.NetInterface;
import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.KernelException;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.BackendType;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.LeaseAttrs.NodeIdentity;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataPlaneTest {
    static final String KEY = "/coreos.com/network/config";
    static final NetworkConfig VXLAN = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
    static final NetworkConfig VXLAN_7 = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":7}}");
    static final NetworkConfig HOST_GW = NetworkConfig.parse(KEY, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");

    static final NetInterface ETH1 = new NetInterface("eth1", 3, 1500, true, false, List.of(Ip4Net.parseLoose("192.168.56.11/24")));
    static final ExternalInterface EXT = new ExternalInterface(ETH1, ip("192.168.56.11"), ip("192.168.56.11"), "--iface=eth1");
    static final String NODE = "node-a";
    static final NodeIdentity ME = new NodeIdentity(NODE, "eth1");
    static final String STABLE_MAC = VtepMac.forNode(NODE);
    static final Planner.Self SELF = new Planner.Self(net("10.244.34.0/24"),
            LeaseAttrs.vxlan(ip("192.168.56.11"), 1, STABLE_MAC, new NodeIdentity(NODE, "eth1")), "eth1", List.of(net("192.168.56.0/24")));

    static final String MAC_B = "0e:b5:dc:fa:0c:9a";
    static final String MAC_C = "5a:2f:00:11:22:33";
    static final Lease OWN = vxlanLease("10.244.34.0/24", "192.168.56.11", STABLE_MAC, NODE);
    static final Lease PEER_B = vxlanLease("10.244.2.0/24", "192.168.56.12", MAC_B, "node-b");
    static final Lease PEER_C = vxlanLease("10.244.3.0/24", "192.168.56.13", MAC_C, "node-c");

    final FakeKernel kernel = new FakeKernel("eth1");

    static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    DataPlane dataPlane(NetworkConfig cfg) {
        return new DataPlane(kernel, cfg, Backends.create(cfg), false);
    }

    /** The VtepMAC this node's lease would carry, as prepare() returns it. */
    static Optional<String> mac(LeaseAttrs attrs) {
        return Optional.ofNullable(attrs.vtepMac());
    }

    static Lease vxlanLease(String subnet, String publicIp, String mac, String node) {
        return new Lease(net(subnet), LeaseAttrs.vxlan(ip(publicIp), 1, mac, new NodeIdentity(node, "eth1")), 0x7a01, 5, 5);
    }

    static Lease hostGwLease(String subnet, String publicIp, String node) {
        return new Lease(net(subnet), LeaseAttrs.hostGw(ip(publicIp), new NodeIdentity(node, "eth1")), 0x7a02, 6, 6);
    }

    static VxlanLink link(int vni, String lower, String local, int port, String mac) {
        return new VxlanLink("flannel.1", vni, lower, local == null ? null : ip(local), port, false, mac, 1450, true,
                List.of(net("10.244.34.0/32")));
    }

    static String addVxlanCommand(String mac) {
        return "ip link add flannel.1 address " + mac + " type vxlan id 1 dev eth1 local 192.168.56.11 dstport 8472 nolearning";
    }

    static Route vxlanRoute(String subnet) {
        return new Route(net(subnet), net(subnet).network(), "flannel.1", true);
    }

    static Stream<Arguments> incompatible() {
        return Stream.of(
                Arguments.of("another VNI", link(7, "eth1", "192.168.56.11", 8472, "02:11:22:33:44:55")),
                Arguments.of("another lower device", link(1, "eth0", "192.168.56.11", 8472, "02:11:22:33:44:55")),
                Arguments.of("another local address", link(1, "eth1", "10.0.2.15", 8472, "02:11:22:33:44:55")),
                Arguments.of("another port", link(1, "eth1", "192.168.56.11", 4789, "02:11:22:33:44:55")),
                // how IpRoute2Executor reports a bridge called flannel.1
                Arguments.of("not a vxlan device", new VxlanLink("flannel.1", -1, null, null, 0, false, "7a:c2:b0:fd:a9:81", 1500,
                        false, List.of())));
    }

    /** A vxlan data plane with flannel.1 created and configured, no peers yet. */
    DataPlane ready() {
        DataPlane plane = dataPlane(VXLAN);
        plane.prepare(EXT, NODE, ME);
        plane.configure(SELF.subnet(), 1450);
        kernel.batches.clear();
        return plane;
    }

    void assertKernelHoldsPeersBAndC() {
        assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), MAC_B, "flannel.1"), new Neighbor(ip("10.244.3.0"), MAC_C, "flannel.1")),
                kernel.neighborSet());
        assertEquals(Set.of(new FdbEntry(MAC_B, ip("192.168.56.12"), "flannel.1"), new FdbEntry(MAC_C, ip("192.168.56.13"), "flannel.1")),
                kernel.fdbSet());
        assertEquals(Set.of(vxlanRoute("10.244.2.0/24"), vxlanRoute("10.244.3.0/24")), kernel.routeSet());
    }

    @Nested
    class Prepare {
        @Test
        void createsTheDeviceWithTheNodesStableMacWhenAbsent() {
            Optional<String> mac = mac(dataPlane(VXLAN).prepare(EXT, NODE, ME));

            assertEquals(Optional.of(STABLE_MAC), mac);
            assertEquals(List.of(addVxlanCommand(STABLE_MAC)), kernel.commands());
            VxlanLink l = kernel.link("flannel.1").orElseThrow();
            assertEquals(1, l.vni());
            assertEquals("eth1", l.lowerDev());
            assertEquals(ip("192.168.56.11"), l.local());
            assertEquals(8472, l.port());
            assertFalse(l.learning());
            assertEquals(STABLE_MAC, l.mac());
        }

        @Test
        void keepsACompatibleDeviceAndReturnsItsMac() {
            VxlanLink existing = link(1, "eth1", "192.168.56.11", 8472, "02:11:22:33:44:55");
            kernel.withLink(existing);

            Optional<String> mac = mac(dataPlane(VXLAN).prepare(EXT, NODE, ME));

            assertEquals(Optional.of("02:11:22:33:44:55"), mac, "the device's own MAC, not the one we would have chosen");
            assertEquals(List.of(), kernel.batches);
            assertEquals(Optional.of(existing), kernel.link("flannel.1"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.vxlab.agent.backend.DataPlaneTest#incompatible")
        void recreatesAnIncompatibleDevice(String why, VxlanLink existing) {
            kernel.withLink(existing).withNeighbor(new Neighbor(ip("10.244.2.0"), MAC_B, "flannel.1"));

            Optional<String> mac = mac(dataPlane(VXLAN).prepare(EXT, NODE, ME));

            assertEquals(Optional.of(STABLE_MAC), mac);
            assertEquals(List.of("ip link del flannel.1", addVxlanCommand(STABLE_MAC)), kernel.commands());
            VxlanLink now = kernel.link("flannel.1").orElseThrow();
            assertNull(now.incompatibility(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.56.11"), 8472, false, null, 0, false,
                    List.of())));
            assertEquals(STABLE_MAC, now.mac());
        }

        @Test
        void vni7UsesFlannel7AndLeavesFlannel1Alone() {
            VxlanLink flannel1 = link(1, "eth1", "192.168.56.11", 8472, "02:11:22:33:44:55");
            kernel.withLink(flannel1);

            Optional<String> mac = mac(dataPlane(VXLAN_7).prepare(EXT, NODE, ME));

            assertEquals(Optional.of(STABLE_MAC), mac);
            assertEquals(List.of("ip link add flannel.7 address " + STABLE_MAC
                    + " type vxlan id 7 dev eth1 local 192.168.56.11 dstport 8472 nolearning"), kernel.commands());
            assertEquals(7, kernel.link("flannel.7").orElseThrow().vni());
            assertEquals(Optional.of(flannel1), kernel.link("flannel.1"));
        }

        @Test
        void aRefusedCreationIsAKernelExceptionNamingTheCommandAndTheError() {
            kernel.failOnce(c -> c instanceof Change.AddVxlan, "RTNETLINK answers: Operation not permitted");

            KernelException e = assertThrows(KernelException.class, () -> dataPlane(VXLAN).prepare(EXT, NODE, ME));

            assertEquals("kernel refused: " + addVxlanCommand(STABLE_MAC) + ": RTNETLINK answers: Operation not permitted",
                    e.getMessage());
            assertTrue(e.hint().contains("CAP_NET_ADMIN"), e.hint());
            assertEquals(Optional.empty(), kernel.link("flannel.1"));
        }

        @Test
        void hostGwRefusesAPublicIpThatIsNotTheInterfaceAddress() {
            ExternalInterface overridden = new ExternalInterface(ETH1, ip("192.168.56.11"), ip("203.0.113.7"), "--public-ip");

            KernelException e = assertThrows(KernelException.class,
                    () -> dataPlane(HOST_GW).prepare(overridden, NODE, ME));

            assertTrue(e.getMessage().contains("203.0.113.7"), e.getMessage());
            assertTrue(e.getMessage().contains("eth1 (192.168.56.11)"), e.getMessage());
            assertEquals(List.of(), kernel.batches);
        }

        @Test
        void hostGwAcceptsThePublicIpOfTheInterfaceAndCreatesNoDevice() {
            DataPlane plane = dataPlane(HOST_GW);

            assertEquals(Optional.empty(), mac(plane.prepare(EXT, NODE, ME)));
            assertEquals(List.of(), kernel.batches);
            assertEquals(Optional.empty(), kernel.link("flannel.1"));
            assertEquals(BackendType.HOST_GW, plane.type());
            assertNull(plane.deviceName());
            assertTrue(plane.deviceHealthy());
        }
    }

    @Nested
    class Configure {
        @Test
        void setsTheSubnetAddressRemovesOthersSetsMtuAndUp() {
            kernel.withLink(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.56.11"), 8472, false, "02:11:22:33:44:55", 1500, false,
                    List.of(net("10.244.9.0/32"))));
            DataPlane plane = dataPlane(VXLAN);

            plane.configure(net("10.244.34.0/24"), 1450);

            assertEquals(List.of(
                    "ip addr del 10.244.9.0/32 dev flannel.1",
                    "ip addr replace 10.244.34.0/32 dev flannel.1",
                    "ip link set flannel.1 mtu 1450 up"), kernel.commands());
            VxlanLink l = kernel.link("flannel.1").orElseThrow();
            assertEquals(List.of(net("10.244.34.0/32")), l.addresses());
            assertEquals(1450, l.mtu());
            assertTrue(l.up());
        }

        @Test
        void aSecondCallDoesNothing() {
            DataPlane plane = dataPlane(VXLAN);
            plane.prepare(EXT, NODE, ME);
            plane.configure(net("10.244.34.0/24"), 1450);
            int batches = kernel.batches.size();

            plane.configure(net("10.244.34.0/24"), 1450);

            assertEquals(batches, kernel.batches.size());
        }

        @Test
        void theSubnetAddressWithAnotherPrefixIsReplacedByTheSlash32() {
            kernel.withLink(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.56.11"), 8472, false, "02:11:22:33:44:55", 1450, true,
                    List.of(Ip4Net.parseLoose("10.244.34.0/24"))));

            dataPlane(VXLAN).configure(net("10.244.34.0/24"), 1450);

            assertEquals(List.of("ip addr del 10.244.34.0/24 dev flannel.1", "ip addr replace 10.244.34.0/32 dev flannel.1"),
                    kernel.commands());
        }

        @Test
        void aDownDeviceWithTheRightMtuIsBroughtUp() {
            kernel.withLink(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.56.11"), 8472, false, "02:11:22:33:44:55", 1450, false,
                    List.of(net("10.244.34.0/32"))));

            dataPlane(VXLAN).configure(net("10.244.34.0/24"), 1450);

            assertEquals(List.of("ip link set flannel.1 mtu 1450 up"), kernel.commands());
        }

        @Test
        void aMissingDeviceIsAKernelException() {
            KernelException e = assertThrows(KernelException.class,
                    () -> dataPlane(VXLAN).configure(net("10.244.34.0/24"), 1450));
            assertEquals("flannel.1 is missing", e.getMessage());
        }

        @Test
        void hostGwHasNoDeviceToConfigure() {
            dataPlane(HOST_GW).configure(net("10.244.34.0/24"), 1500);
            assertEquals(List.of(), kernel.batches);
        }
    }

    @Nested
    class Sync {
        @Test
        void convergesTheKernelToTheLeases() {
            DataPlane plane = ready();

            int changes = plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);

            assertEquals(6, changes);
            assertKernelHoldsPeersBAndC();
            assertEquals(2, plane.peerCount());
        }

        @Test
        void aSecondSyncWithTheSameLeasesAppliesNothing() {
            DataPlane plane = ready();
            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            int batches = kernel.batches.size();

            assertEquals(0, plane.sync(SELF, List.of(PEER_C, OWN, PEER_B), false));
            assertEquals(0, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), true));

            assertEquals(batches, kernel.batches.size());
            assertKernelHoldsPeersBAndC();
        }

        @Test
        void aRestartedAgentFindsEverythingInPlace() {
            ready().sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            int batches = kernel.batches.size();
            int reads = kernel.entryReads;

            DataPlane restarted = dataPlane(VXLAN);
            assertEquals(Optional.of(STABLE_MAC), mac(restarted.prepare(EXT, NODE, ME)));
            restarted.configure(SELF.subnet(), 1450);
            assertEquals(0, restarted.sync(SELF, List.of(OWN, PEER_B, PEER_C), false));

            assertEquals(batches, kernel.batches.size(), "no kernel change at all");
            assertEquals(reads + 3, kernel.entryReads, "the first sync reads neighbours, FDB and routes");
        }

        @Test
        void aRemovedLeaseLosesItsThreeEntries() {
            DataPlane plane = ready();
            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            kernel.batches.clear();

            assertEquals(3, plane.sync(SELF, List.of(OWN, PEER_B), false));

            assertEquals(List.of(
                    "bridge fdb del 5a:2f:00:11:22:33 dev flannel.1 dst 192.168.56.13 self",
                    "ip route del 10.244.3.0/24 via 10.244.3.0 dev flannel.1",
                    "ip neigh del 10.244.3.0 dev flannel.1"), kernel.commands());
            assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), MAC_B, "flannel.1")), kernel.neighborSet());
            assertEquals(Set.of(new FdbEntry(MAC_B, ip("192.168.56.12"), "flannel.1")), kernel.fdbSet());
            assertEquals(Set.of(vxlanRoute("10.244.2.0/24")), kernel.routeSet());
            assertEquals(1, plane.peerCount());
        }

        @Test
        void leftoversOfAGonePeerAreRemovedAtStartAndForeignRoutesKept() {
            Route foreign = new Route(net("10.96.0.0/12"), ip("192.168.56.1"), "eth1", false);
            kernel.withLink(link(1, "eth1", "192.168.56.11", 8472, STABLE_MAC))
                    .withNeighbor(new Neighbor(ip("10.244.5.0"), "02:00:00:00:00:05", "flannel.1"))
                    .withFdb(new FdbEntry("02:00:00:00:00:05", ip("192.168.56.15"), "flannel.1"))
                    .withRoute(vxlanRoute("10.244.5.0/24"))
                    .withRoute(new Route(net("10.244.6.0/24"), ip("192.168.56.16"), "eth1", false)) // host-gw leftover
                    .withRoute(foreign);
            DataPlane plane = ready();

            assertEquals(10, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false));

            assertEquals(Set.of(new Neighbor(ip("10.244.2.0"), MAC_B, "flannel.1"), new Neighbor(ip("10.244.3.0"), MAC_C, "flannel.1")),
                    kernel.neighborSet());
            assertEquals(Set.of(vxlanRoute("10.244.2.0/24"), vxlanRoute("10.244.3.0/24"), foreign), kernel.routeSet());
            assertEquals(2, kernel.fdbSet().size());
        }

        @Test
        void afterAFailedChangeTheNextSyncReadsTheKernelAndRepairsIt() {
            DataPlane plane = ready();
            kernel.failOnce(c -> c instanceof Change.ReplaceRoute r && r.r().dst().equals(net("10.244.3.0/24")),
                    "RTNETLINK answers: Network is unreachable");

            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            assertEquals(Set.of(vxlanRoute("10.244.2.0/24")), kernel.routeSet(), "the failed route is not there");
            kernel.batches.clear();
            int reads = kernel.entryReads;

            assertEquals(1, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false));

            assertEquals(reads + 3, kernel.entryReads, "the kernel was read back");
            assertEquals(List.of("ip route replace 10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink"), kernel.commands());
            assertKernelHoldsPeersBAndC();

            // back on the fast path: no read, nothing to do
            assertEquals(0, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false));
            assertEquals(reads + 3, kernel.entryReads);
        }

        @Test
        void aFailedRemovalIsRetriedAfterReadingTheKernel() {
            DataPlane plane = ready();
            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            kernel.failOnce(c -> c instanceof Change.DeleteFdb, "RTNETLINK answers: Device or resource busy");

            plane.sync(SELF, List.of(OWN, PEER_B), false);
            assertEquals(2, kernel.fdbSet().size(), "the FDB entry of C is still there");
            kernel.batches.clear();

            assertEquals(1, plane.sync(SELF, List.of(OWN, PEER_B), false));
            assertEquals(List.of("bridge fdb del 5a:2f:00:11:22:33 dev flannel.1 dst 192.168.56.13 self"), kernel.commands());
            assertEquals(Set.of(new FdbEntry(MAC_B, ip("192.168.56.12"), "flannel.1")), kernel.fdbSet());
        }

        @Test
        void aRouteDeletedBehindItsBackIsReAddedByAReadingSync() {
            DataPlane plane = ready();
            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false);
            kernel.removeRouteBehindTheAgentsBack(net("10.244.2.0/24"));
            kernel.batches.clear();

            // an event-driven sync trusts what it applied last: no read, so it cannot see the loss
            assertEquals(0, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), false));
            assertEquals(1, plane.sync(SELF, List.of(OWN, PEER_B, PEER_C), true));

            assertEquals(List.of("ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"), kernel.commands());
            assertKernelHoldsPeersBAndC();
        }

        @Test
        void peerCountFollowsTheRemotePeers() {
            DataPlane plane = ready();
            assertEquals(0, plane.peerCount());

            plane.sync(SELF, List.of(OWN), false);
            assertEquals(0, plane.peerCount());

            plane.sync(SELF, List.of(OWN, PEER_B, PEER_C, hostGwLease("10.244.4.0/24", "192.168.56.14", "node-d")), false);
            assertEquals(2, plane.peerCount(), "the host-gw lease is not a vxlan peer");

            plane.sync(SELF, List.of(OWN, PEER_C), false);
            assertEquals(1, plane.peerCount());
        }

        @Test
        void hostGwSyncInstallsRoutesViaThePeersAndReadsNoVxlanDevice() {
            DataPlane plane = dataPlane(HOST_GW);
            plane.prepare(EXT, NODE, ME);
            List<Lease> leases = List.of(hostGwLease("10.244.34.0/24", "192.168.56.11", NODE),
                    hostGwLease("10.244.2.0/24", "192.168.56.12", "node-b"), hostGwLease("10.244.3.0/24", "192.168.56.13", "node-c"));

            assertEquals(2, plane.sync(SELF, leases, true));

            assertEquals(List.of("ip route replace 10.244.2.0/24 via 192.168.56.12 dev eth1",
                    "ip route replace 10.244.3.0/24 via 192.168.56.13 dev eth1"), kernel.commands());
            assertEquals(0, plane.sync(SELF, leases, true));
            assertEquals(2, plane.peerCount());
        }

        @Test
        void deviceHealthFollowsTheDevice() {
            DataPlane plane = ready();
            assertTrue(plane.deviceHealthy());
            assertEquals("flannel.1", plane.deviceName());

            kernel.apply(List.of(new Change.DeleteLink("flannel.1")));

            assertFalse(plane.deviceHealthy());
        }
    }
}
