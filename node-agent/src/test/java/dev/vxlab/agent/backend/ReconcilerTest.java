package dev.vxlab.agent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    static final Reconciler.Scope SCOPE = new Reconciler.Scope("flannel.1", "eth1", Ip4Net.parse("10.244.0.0/16"));
    static final String MAC_B = "0e:b5:dc:fa:0c:9a";
    static final String MAC_C = "5a:2f:00:11:22:33";

    static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    static Neighbor neigh(String ip, String mac) {
        return new Neighbor(ip(ip), mac, "flannel.1");
    }

    static FdbEntry fdb(String mac, String dst) {
        return new FdbEntry(mac, ip(dst), "flannel.1");
    }

    static Route vxlanRoute(String subnet) {
        Ip4Net s = net(subnet);
        return new Route(s, s.network(), "flannel.1", true);
    }

    static Route extRoute(String subnet, String via) {
        return new Route(net(subnet), ip(via), "eth1", false);
    }

    /** The three entries of a vxlan peer, as Planner makes them. */
    static DesiredState peer(String subnet, String mac, String publicIp) {
        return new DesiredState(Set.of(neigh(net(subnet).network().toString(), mac)), Set.of(fdb(mac, publicIp)),
                Set.of(vxlanRoute(subnet)));
    }

    static DesiredState state(List<Neighbor> neighbors, List<FdbEntry> fdb, List<Route> routes) {
        return new DesiredState(Set.copyOf(neighbors), Set.copyOf(fdb), Set.copyOf(routes));
    }

    static DesiredState union(DesiredState... states) {
        Set<Neighbor> n = new HashSet<>();
        Set<FdbEntry> f = new HashSet<>();
        Set<Route> r = new HashSet<>();
        for (DesiredState s : states) {
            n.addAll(s.neighbors());
            f.addAll(s.fdb());
            r.addAll(s.routes());
        }
        return new DesiredState(n, f, r);
    }

    static List<String> commands(List<Change> changes) {
        return changes.stream().map(Change::command).toList();
    }

    /** Puts {@code actual} into a fake kernel, applies the changes there, and returns what the kernel then holds. */
    static DesiredState applied(DesiredState actual, List<Change> changes) {
        FakeKernel k = new FakeKernel("eth1", "tun0").withLink(new VxlanLink("flannel.1", 1, "eth1", ip("192.168.56.11"), 8472,
                false, "02:00:00:00:00:01", 1450, true, List.of(net("10.244.34.0/32"))));
        actual.neighbors().forEach(k::withNeighbor);
        actual.fdb().forEach(k::withFdb);
        actual.routes().forEach(k::withRoute);
        List<Kernel.Failure> failures = k.apply(changes);
        assertEquals(List.of(), failures, "every change applies to the kernel it was computed for");
        return new DesiredState(k.neighborSet(), k.fdbSet(), k.routeSet());
    }

    // ---- nothing to do ----

    @Test
    void nothingWhenTheKernelAlreadyHoldsTheDesiredEntries() {
        DesiredState desired = union(peer("10.244.2.0/24", MAC_B, "192.168.56.12"), peer("10.244.3.0/24", MAC_C, "192.168.56.13"),
                state(List.of(), List.of(), List.of(extRoute("10.244.4.0/24", "192.168.56.14"))));
        // read back from the kernel: equal entries, other set instances
        DesiredState actual = new DesiredState(new HashSet<>(desired.neighbors()), new HashSet<>(desired.fdb()),
                new HashSet<>(desired.routes()));

        assertEquals(List.of(), Reconciler.diff(desired, actual, SCOPE));
        assertEquals(List.of(), Reconciler.diff(DesiredState.EMPTY, DesiredState.EMPTY, SCOPE));
    }

    // ---- additions ----

    @Test
    void missingEntriesAreAddedFdbThenNeighboursThenRoutes() {
        DesiredState desired = union(peer("10.244.3.0/24", MAC_C, "192.168.56.13"), peer("10.244.2.0/24", MAC_B, "192.168.56.12"));

        List<Change> changes = Reconciler.diff(desired, DesiredState.EMPTY, SCOPE);

        assertEquals(List.of(
                "bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self permanent",
                "bridge fdb replace 5a:2f:00:11:22:33 dev flannel.1 dst 192.168.56.13 self permanent",
                "ip neigh replace 10.244.2.0 lladdr 0e:b5:dc:fa:0c:9a dev flannel.1 nud permanent",
                "ip neigh replace 10.244.3.0 lladdr 5a:2f:00:11:22:33 dev flannel.1 nud permanent",
                "ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink",
                "ip route replace 10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink"), commands(changes));
        assertTrue(changes.stream().noneMatch(Change::removal));
        assertEquals(desired, applied(DesiredState.EMPTY, changes));
    }

    @Test
    void onlyTheMissingEntryOfAPeerIsAdded() {
        DesiredState desired = peer("10.244.2.0/24", MAC_B, "192.168.56.12");
        DesiredState actual = state(List.of(neigh("10.244.2.0", MAC_B)), List.of(), List.of(vxlanRoute("10.244.2.0/24")));

        assertEquals(List.of("bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self permanent"),
                commands(Reconciler.diff(desired, actual, SCOPE)));
    }

    // ---- removals ----

    @Test
    void fdbChangesComeFirstThenIpRemovalsThenIpAdditions() {
        DesiredState gone1 = peer("10.244.5.0/24", "02:00:00:00:00:05", "192.168.56.15");
        DesiredState gone2 = peer("10.244.6.0/24", "02:00:00:00:00:06", "192.168.56.16");
        DesiredState stays = peer("10.244.2.0/24", MAC_B, "192.168.56.12");
        DesiredState arrives = peer("10.244.3.0/24", MAC_C, "192.168.56.13");
        DesiredState actual = union(gone2, gone1, stays);
        DesiredState desired = union(stays, arrives);

        List<Change> changes = Reconciler.diff(desired, actual, SCOPE);

        assertEquals(List.of(
                "bridge fdb del 02:00:00:00:00:05 dev flannel.1 dst 192.168.56.15 self",
                "bridge fdb del 02:00:00:00:00:06 dev flannel.1 dst 192.168.56.16 self",
                "bridge fdb replace 5a:2f:00:11:22:33 dev flannel.1 dst 192.168.56.13 self permanent",
                "ip route del 10.244.5.0/24 via 10.244.5.0 dev flannel.1",
                "ip route del 10.244.6.0/24 via 10.244.6.0 dev flannel.1",
                "ip neigh del 10.244.5.0 dev flannel.1",
                "ip neigh del 10.244.6.0 dev flannel.1",
                "ip neigh replace 10.244.3.0 lladdr 5a:2f:00:11:22:33 dev flannel.1 nud permanent",
                "ip route replace 10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink"), commands(changes));
        assertEquals(List.of(true, true, false, true, true, true, true, false, false),
                changes.stream().map(Change::removal).toList());
        assertEquals(desired, applied(actual, changes));
    }

    @Test
    void hostGwLeftoversOnTheExternalDeviceInsideTheNetworkAreRemoved() {
        DesiredState actual = state(List.of(), List.of(),
                List.of(extRoute("10.244.3.0/24", "192.168.56.13"), new Route(net("10.244.9.7/32"), ip("192.168.56.19"), "eth1", false)));

        List<Change> changes = Reconciler.diff(DesiredState.EMPTY, actual, SCOPE);

        assertEquals(List.of("ip route del 10.244.3.0/24 via 192.168.56.13 dev eth1",
                "ip route del 10.244.9.7/32 via 192.168.56.19 dev eth1"), commands(changes));
        assertEquals(DesiredState.EMPTY, applied(actual, changes));
    }

    @Test
    void entriesOutsideTheScopeAreNeverRemoved() {
        DesiredState actual = state(
                List.of(new Neighbor(ip("192.168.56.1"), "52:54:00:12:35:02", "eth1"),
                        new Neighbor(ip("10.244.9.0"), "02:00:00:00:00:09", "flannel.7")),
                List.of(new FdbEntry("02:00:00:00:00:09", ip("192.168.56.19"), "flannel.7"),
                        new FdbEntry("02:00:00:00:00:0a", ip("192.168.56.20"), "vxlan0")),
                List.of(extRoute("10.96.0.0/12", "192.168.56.1"),        // on eth1, outside 10.244.0.0/16
                        extRoute("10.0.0.0/8", "192.168.56.1"),          // on eth1, wider than the network
                        extRoute("192.168.100.0/24", "192.168.56.1"),
                        new Route(net("10.244.7.0/24"), ip("10.8.0.1"), "tun0", false),       // inside, another device
                        new Route(net("10.244.9.0/24"), ip("10.244.9.0"), "flannel.7", true), // another VNI's device
                        new Route(net("10.244.8.0/24"), ip("10.8.0.1"), null, false)));       // multipath: no device

        assertEquals(List.of(), Reconciler.diff(DesiredState.EMPTY, actual, SCOPE));
        DesiredState desired = peer("10.244.2.0/24", MAC_B, "192.168.56.12");
        assertEquals(List.of(
                "bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self permanent",
                "ip neigh replace 10.244.2.0 lladdr 0e:b5:dc:fa:0c:9a dev flannel.1 nud permanent",
                "ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"),
                commands(Reconciler.diff(desired, actual, SCOPE)));
    }

    // ---- updates ----

    @Test
    void aPeerWhoseVtepMacChangedGetsItsNeighbourReplacedAndNoStaleFdbEntry() {
        // flannel #1795: the peer restarted and came back with another MAC
        String oldMac = "0e:00:00:00:00:01";
        DesiredState actual = peer("10.244.2.0/24", oldMac, "192.168.56.12");
        DesiredState desired = peer("10.244.2.0/24", MAC_B, "192.168.56.12");

        List<Change> changes = Reconciler.diff(desired, actual, SCOPE);

        assertEquals(List.of(
                "bridge fdb del 0e:00:00:00:00:01 dev flannel.1 dst 192.168.56.12 self",
                "bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self permanent",
                "ip neigh replace 10.244.2.0 lladdr 0e:b5:dc:fa:0c:9a dev flannel.1 nud permanent"), commands(changes));
        DesiredState after = applied(actual, changes);
        assertEquals(Set.of(fdb(MAC_B, "192.168.56.12")), after.fdb(), "no FDB entry for the old MAC is left");
        assertEquals(desired, after);
    }

    @Test
    void aPeerWhosePublicIpChangedGetsItsFdbEntryMoved() {
        DesiredState actual = peer("10.244.2.0/24", MAC_B, "192.168.56.12");
        DesiredState desired = peer("10.244.2.0/24", MAC_B, "192.168.56.22");

        List<Change> changes = Reconciler.diff(desired, actual, SCOPE);

        assertEquals(List.of(
                "bridge fdb del 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self",
                "bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.22 self permanent"), commands(changes));
        assertEquals(desired, applied(actual, changes));
    }

    @Test
    void aRouteWhoseGatewayChangedIsReplacedNotDeleted() {
        DesiredState actual = state(List.of(), List.of(), List.of(extRoute("10.244.3.0/24", "192.168.56.13")));
        DesiredState desired = state(List.of(), List.of(), List.of(extRoute("10.244.3.0/24", "192.168.56.23")));

        List<Change> changes = Reconciler.diff(desired, actual, SCOPE);

        assertEquals(List.of(new Change.ReplaceRoute(extRoute("10.244.3.0/24", "192.168.56.23"))), changes);
        assertEquals("ip route replace 10.244.3.0/24 via 192.168.56.23 dev eth1", changes.get(0).command());
        assertEquals(desired, applied(actual, changes));
    }

    @Test
    void switchingAPeerToDirectRoutingReplacesItsRouteAndDropsItsVxlanEntries() {
        DesiredState actual = peer("10.244.2.0/24", MAC_B, "192.168.56.12");
        DesiredState desired = state(List.of(), List.of(), List.of(extRoute("10.244.2.0/24", "192.168.56.12")));

        List<Change> changes = Reconciler.diff(desired, actual, SCOPE);

        assertEquals(List.of(
                "bridge fdb del 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self",
                "ip neigh del 10.244.2.0 dev flannel.1",
                "ip route replace 10.244.2.0/24 via 192.168.56.12 dev eth1"), commands(changes));
        assertEquals(desired, applied(actual, changes));

        List<Change> back = Reconciler.diff(actual, desired, SCOPE);
        assertEquals(List.of(
                "bridge fdb replace 0e:b5:dc:fa:0c:9a dev flannel.1 dst 192.168.56.12 self permanent",
                "ip neigh replace 10.244.2.0 lladdr 0e:b5:dc:fa:0c:9a dev flannel.1 nud permanent",
                "ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"), commands(back));
    }

    @Test
    void aDiffAppliedLeavesNothingToDo() {
        DesiredState actual = union(peer("10.244.5.0/24", "02:00:00:00:00:05", "192.168.56.15"),
                peer("10.244.2.0/24", "0e:00:00:00:00:01", "192.168.56.12"),
                state(List.of(), List.of(), List.of(extRoute("10.244.3.0/24", "192.168.56.13"), extRoute("10.96.0.0/12", "192.168.56.1"))));
        DesiredState desired = union(peer("10.244.2.0/24", MAC_B, "192.168.56.12"), peer("10.244.3.0/24", MAC_C, "192.168.56.13"));

        DesiredState after = applied(actual, Reconciler.diff(desired, actual, SCOPE));

        assertEquals(List.of(), Reconciler.diff(desired, after, SCOPE));
        List<Route> kept = new ArrayList<>(after.routes());
        kept.removeAll(desired.routes());
        assertEquals(List.of(extRoute("10.96.0.0/12", "192.168.56.1")), kept, "only the out-of-scope route is left besides the desired ones");
    }
}
