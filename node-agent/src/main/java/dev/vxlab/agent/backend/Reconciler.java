package dev.vxlab.agent.backend;

import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.agent.netlink.Change;
import dev.vxlab.agent.netlink.FdbEntry;
import dev.vxlab.agent.netlink.Neighbor;
import dev.vxlab.agent.netlink.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference between desired and actual entries, as an ordered list of changes, grouped so that applying
 * it costs two batches at most ({@code bridge}, then {@code ip}): first the FDB (entries no
 * lease asks for any more — including one left by a peer's old MAC or address — removed, then the wanted
 * ones put), then routes and neighbours that are no longer wanted removed, then neighbours and routes added
 * or updated. As in flannel, a route is only added once the neighbour and FDB entries of its VTEP exist.
 * Entries already right produce nothing: a restart changes nothing.
 * Only entries the agent owns are compared: those on the VXLAN device, and gateway routes into the overlay
 * network on the external interface.
 */
public final class Reconciler {
    private Reconciler() {
    }

    /** Which actual entries belong to the agent (and may be removed). */
    public record Scope(String vxlanDev, String extDev, Ip4Net network) {
        boolean owns(Route r) {
            return r.dev() != null && (r.dev().equals(vxlanDev) || (r.dev().equals(extDev) && network.contains(r.dst())));
        }
    }

    public static List<Change> diff(DesiredState desired, DesiredState actual, Scope scope) {
        List<Change> fdbChanges = new ArrayList<>();
        List<Change> ipRemovals = new ArrayList<>();
        List<Change> ipAdditions = new ArrayList<>();

        Map<Ip4Net, Route> routesByDst = new HashMap<>();
        actual.routes().stream().filter(scope::owns).forEach(r -> routesByDst.put(r.dst(), r));
        Map<Ip4Net, Route> wantRoutes = new HashMap<>();
        desired.routes().forEach(r -> wantRoutes.put(r.dst(), r));
        for (Route r : sorted(routesByDst.values(), Comparator.comparing(Route::dst))) {
            if (!wantRoutes.containsKey(r.dst())) {
                ipRemovals.add(new Change.DeleteRoute(r));
            }
        }

        Map<String, Neighbor> neighByKey = new HashMap<>();
        actual.neighbors().stream().filter(n -> n.dev().equals(scope.vxlanDev())).forEach(n -> neighByKey.put(n.ip().toString(), n));
        Map<String, Neighbor> wantNeigh = new HashMap<>();
        desired.neighbors().forEach(n -> wantNeigh.put(n.ip().toString(), n));
        for (Neighbor n : sorted(neighByKey.values(), Comparator.comparing(Neighbor::ip))) {
            if (!wantNeigh.containsKey(n.ip().toString())) {
                ipRemovals.add(new Change.DeleteNeighbor(n));
            }
        }

        List<FdbEntry> actualFdb = actual.fdb().stream().filter(f -> f.dev().equals(scope.vxlanDev())).toList();
        for (FdbEntry f : sorted(actualFdb, Comparator.comparing(FdbEntry::mac).thenComparing(FdbEntry::dst))) {
            if (!desired.fdb().contains(f)) {
                fdbChanges.add(new Change.DeleteFdb(f));
            }
        }
        for (FdbEntry f : sorted(desired.fdb(), Comparator.comparing(FdbEntry::mac))) {
            if (!actualFdb.contains(f)) {
                fdbChanges.add(new Change.ReplaceFdb(f));
            }
        }

        for (Neighbor n : sorted(desired.neighbors(), Comparator.comparing(Neighbor::ip))) {
            Neighbor have = neighByKey.get(n.ip().toString());
            if (have == null || !have.mac().equalsIgnoreCase(n.mac())) {
                ipAdditions.add(new Change.ReplaceNeighbor(n));
            }
        }
        for (Route r : sorted(desired.routes(), Comparator.comparing(Route::dst))) {
            if (!r.equals(routesByDst.get(r.dst()))) {
                ipAdditions.add(new Change.ReplaceRoute(r));
            }
        }
        // bridge first, then ip: one batch each
        List<Change> all = new ArrayList<>(fdbChanges);
        all.addAll(ipRemovals);
        all.addAll(ipAdditions);
        return all;
    }

    private static <T> List<T> sorted(java.util.Collection<T> items, Comparator<T> order) {
        List<T> list = new ArrayList<>(items);
        list.sort(order);
        return list;
    }
}
