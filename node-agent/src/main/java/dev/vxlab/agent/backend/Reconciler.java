package dev.vxlab.agent.backend;

import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The difference between desired and actual entries, as an ordered list of changes, grouped so that applying
 * it costs two batches at most ({@code bridge}, then {@code ip}): first the FDB (entries no
 * lease asks for any more — including one left by a peer's old MAC or address — removed, then the wanted
 * ones put), then routes and neighbours that are no longer wanted removed, then neighbours and routes added
 * or updated. As in flannel, a route comes after its neighbour entry (in the same {@code ip} batch), so the kernel
 * never ARPs for the gateway; the {@code bridge} batch runs beside it (see IpRoute2Executor): a route whose FDB entry
 * is a moment late drops frames, it does not send them elsewhere.
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

    // Written as plain loops with comparators made once: a lease event runs this while it is still interpreted,
    // where streams and per-call lambdas cost several times as much.
    private static final Comparator<Route> BY_DST = Comparator.comparing(Route::dst);
    private static final Comparator<Neighbor> BY_IP = Comparator.comparing(Neighbor::ip);
    private static final Comparator<FdbEntry> BY_MAC = Comparator.comparing(FdbEntry::mac);
    private static final Comparator<FdbEntry> BY_MAC_DST = BY_MAC.thenComparing(FdbEntry::dst);

    public static List<Change> diff(DesiredState desired, DesiredState actual, Scope scope) {
        List<Change> fdbChanges = new ArrayList<>();
        List<Change> ipRemovals = new ArrayList<>();
        List<Change> ipAdditions = new ArrayList<>();

        Map<Ip4Net, Route> routesByDst = new HashMap<>();
        for (Route r : actual.routes()) {
            if (scope.owns(r)) {
                routesByDst.put(r.dst(), r);
            }
        }
        Set<Ip4Net> wantRoutes = new HashSet<>();
        for (Route r : desired.routes()) {
            wantRoutes.add(r.dst());
        }
        List<Route> goneRoutes = new ArrayList<>();
        for (Route r : routesByDst.values()) {
            if (!wantRoutes.contains(r.dst())) {
                goneRoutes.add(r);
            }
        }

        Map<Ip4, Neighbor> neighByIp = new HashMap<>();
        for (Neighbor n : actual.neighbors()) {
            if (n.dev().equals(scope.vxlanDev())) {
                neighByIp.put(n.ip(), n);
            }
        }
        Set<Ip4> wantNeigh = new HashSet<>();
        for (Neighbor n : desired.neighbors()) {
            wantNeigh.add(n.ip());
        }
        List<Neighbor> goneNeigh = new ArrayList<>();
        for (Neighbor n : neighByIp.values()) {
            if (!wantNeigh.contains(n.ip())) {
                goneNeigh.add(n);
            }
        }
        for (Route r : sorted(goneRoutes, BY_DST)) {
            ipRemovals.add(new Change.DeleteRoute(r));
        }
        for (Neighbor n : sorted(goneNeigh, BY_IP)) {
            ipRemovals.add(new Change.DeleteNeighbor(n));
        }

        Set<FdbEntry> actualFdb = new HashSet<>();
        for (FdbEntry f : actual.fdb()) {
            if (f.dev().equals(scope.vxlanDev())) {
                actualFdb.add(f);
            }
        }
        List<FdbEntry> goneFdb = new ArrayList<>();
        for (FdbEntry f : actualFdb) {
            if (!desired.fdb().contains(f)) {
                goneFdb.add(f);
            }
        }
        List<FdbEntry> newFdb = new ArrayList<>();
        for (FdbEntry f : desired.fdb()) {
            if (!actualFdb.contains(f)) {
                newFdb.add(f);
            }
        }
        for (FdbEntry f : sorted(goneFdb, BY_MAC_DST)) {
            fdbChanges.add(new Change.DeleteFdb(f));
        }
        for (FdbEntry f : sorted(newFdb, BY_MAC)) {
            fdbChanges.add(new Change.ReplaceFdb(f));
        }

        List<Neighbor> newNeigh = new ArrayList<>();
        for (Neighbor n : desired.neighbors()) {
            Neighbor have = neighByIp.get(n.ip());
            if (have == null || !have.mac().equalsIgnoreCase(n.mac())) {
                newNeigh.add(n);
            }
        }
        List<Route> newRoutes = new ArrayList<>();
        for (Route r : desired.routes()) {
            if (!r.equals(routesByDst.get(r.dst()))) {
                newRoutes.add(r);
            }
        }
        for (Neighbor n : sorted(newNeigh, BY_IP)) {
            ipAdditions.add(new Change.ReplaceNeighbor(n));
        }
        for (Route r : sorted(newRoutes, BY_DST)) {
            ipAdditions.add(new Change.ReplaceRoute(r));
        }
        // bridge first, then ip: one batch each
        List<Change> all = new ArrayList<>(fdbChanges.size() + ipRemovals.size() + ipAdditions.size());
        all.addAll(fdbChanges);
        all.addAll(ipRemovals);
        all.addAll(ipAdditions);
        return all;
    }

    /** Sorts in place the few entries that changed (for a stable order of commands), not all entries. */
    private static <T> List<T> sorted(List<T> changed, Comparator<T> order) {
        if (changed.size() > 1) {
            changed.sort(order);
        }
        return changed;
    }
}
