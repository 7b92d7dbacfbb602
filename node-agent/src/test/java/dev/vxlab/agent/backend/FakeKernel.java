package dev.vxlab.agent.backend;

import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.KernelException;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The kernel's network state in memory, for unit tests: VXLAN devices (or a foreign device of the same name,
 * reported with VNI -1 as IpRoute2Executor does), plain interfaces such as eth1, permanent neighbours, FDB entries
 * and main-table routes. {@link #apply} changes that state by change type, not by parsing command text, the way
 * Linux 6.x with iproute2 6.1 was seen to in a network namespace: "replace" overwrites the entry with the same key
 * (neighbour: device + IP; FDB: device + MAC; route: destination); deleting an absent neighbour, FDB MAC, route or
 * address fails with the kernel's error, while an FDB delete naming another dst than the entry's is a silent
 * no-op; anything on a missing device fails with "Cannot find device"; deleting a device takes its entries
 * with it. It can be told to fail chosen changes, and it records every change it was given and every read.
 */
public final class FakeKernel implements Kernel {
    static final String NO_SUCH_DEVICE = "Cannot find device";

    private final Map<String, VxlanLink> vxlanLinks = new TreeMap<>();
    private final Set<String> plainLinks = new TreeSet<>();
    private final Map<String, Neighbor> neighbors = new LinkedHashMap<>();
    private final Map<String, FdbEntry> fdb = new LinkedHashMap<>();
    private final Map<Ip4Net, Route> routes = new TreeMap<>();
    private final List<FailRule> failRules = new ArrayList<>();
    private int nextMac = 1;

    /** Every {@link #apply} call's list, in order, including the changes that failed. */
    final List<List<Change>> batches = new ArrayList<>();
    /** Calls of {@link #neighbors}, {@link #fdb} and {@link #gatewayRoutes}. */
    int entryReads;

    private record FailRule(Predicate<Change> which, String error) {
    }

    public FakeKernel(String... plainInterfaces) {
        plainLinks.addAll(List.of(plainInterfaces));
    }

    // ---- test set-up and inspection ----

    FakeKernel withLink(VxlanLink link) {
        vxlanLinks.put(link.name(), link);
        return this;
    }

    FakeKernel withNeighbor(Neighbor n) {
        neighbors.put(n.dev() + " " + n.ip(), n);
        return this;
    }

    FakeKernel withFdb(FdbEntry f) {
        fdb.put(f.dev() + " " + f.mac(), f);
        return this;
    }

    FakeKernel withRoute(Route r) {
        routes.put(r.dst(), r);
        return this;
    }

    /** Makes the next change matching {@code which} fail with {@code error} (once). */
    void failOnce(Predicate<Change> which, String error) {
        failRules.add(new FailRule(which, error));
    }

    /** Someone ran {@code ip route del} by hand. */
    public void removeRouteBehindTheAgentsBack(Ip4Net dst) {
        if (routes.remove(dst) == null) {
            throw new AssertionError("no route to " + dst + " to remove");
        }
    }

    public Optional<VxlanLink> link(String name) {
        return Optional.ofNullable(vxlanLinks.get(name));
    }

    Set<Neighbor> neighborSet() {
        return Set.copyOf(neighbors.values());
    }

    Set<FdbEntry> fdbSet() {
        return Set.copyOf(fdb.values());
    }

    public Set<Route> routeSet() {
        return Set.copyOf(routes.values());
    }

    /** All changes given to {@link #apply}, flattened, as iproute2 command text. */
    List<String> commands() {
        return batches.stream().flatMap(List::stream).map(Change::command).toList();
    }

    // ---- Kernel ----

    @Override
    public Optional<VxlanLink> vxlanLink(String name) {
        return Optional.ofNullable(vxlanLinks.get(name));
    }

    @Override
    public boolean linkExists(String name) {
        return vxlanLinks.containsKey(name) || plainLinks.contains(name);
    }

    @Override
    public List<Neighbor> neighbors(String dev) {
        entryReads++;
        requireDevice(dev);
        return neighbors.values().stream().filter(n -> n.dev().equals(dev)).toList();
    }

    @Override
    public List<FdbEntry> fdb(String dev) {
        entryReads++;
        requireDevice(dev);
        return fdb.values().stream().filter(f -> f.dev().equals(dev)).toList();
    }

    @Override
    public List<Route> gatewayRoutes() {
        entryReads++;
        return List.copyOf(routes.values());
    }

    @Override
    public List<Failure> apply(List<Change> changes) {
        batches.add(List.copyOf(changes));
        List<Failure> failures = new ArrayList<>();
        for (Change c : changes) {
            String error = plannedFailure(c);
            if (error == null) {
                error = change(c);
            }
            if (error != null) {
                failures.add(new Failure(c, error));
            }
        }
        return failures;
    }

    private String plannedFailure(Change c) {
        for (int i = 0; i < failRules.size(); i++) {
            if (failRules.get(i).which().test(c)) {
                return failRules.remove(i).error();
            }
        }
        return null;
    }

    /** Applies one change; returns the kernel's error, or null. */
    private String change(Change c) {
        if (c instanceof Change.AddVxlan a) {
            VxlanLink l = a.link();
            if (linkExists(l.name())) {
                return "RTNETLINK answers: File exists";
            }
            if (!plainLinks.contains(l.lowerDev())) {
                return NO_SUCH_DEVICE + " \"" + l.lowerDev() + "\"";
            }
            String mac = l.mac() != null ? l.mac() : String.format("ca:fe:00:00:00:%02x", nextMac++);
            // like the kernel: down, no address, MTU 50 below the lower device's 1500
            vxlanLinks.put(l.name(), new VxlanLink(l.name(), l.vni(), l.lowerDev(), l.local(), l.port(), l.learning(), mac,
                    1450, false, List.of()));
            return null;
        }
        if (c instanceof Change.DeleteLink d) {
            if (vxlanLinks.remove(d.name()) == null) {
                return NO_SUCH_DEVICE + " \"" + d.name() + "\"";
            }
            neighbors.values().removeIf(n -> n.dev().equals(d.name()));
            fdb.values().removeIf(f -> f.dev().equals(d.name()));
            routes.values().removeIf(r -> d.name().equals(r.dev()));
            return null;
        }
        if (c instanceof Change.SetMtuUp s) {
            return updateLink(s.name(), l -> withState(l, s.mtu(), true, l.addresses()));
        }
        if (c instanceof Change.ReplaceAddress a) {
            return updateLink(a.dev(), l -> {
                List<Ip4Net> addrs = new ArrayList<>(l.addresses());
                if (!addrs.contains(a.address())) {
                    addrs.add(a.address());
                }
                return withState(l, l.mtu(), l.up(), addrs);
            });
        }
        if (c instanceof Change.DeleteAddress a) {
            VxlanLink l = vxlanLinks.get(a.dev());
            if (l != null && !l.addresses().contains(a.address())) {
                return "Error: ipv4: Address not found.";
            }
            return updateLink(a.dev(), x -> withState(x, x.mtu(), x.up(),
                    x.addresses().stream().filter(addr -> !addr.equals(a.address())).toList()));
        }
        if (c instanceof Change.ReplaceNeighbor r) {
            Neighbor n = r.n();
            return onDevice(n.dev(), () -> neighbors.put(n.dev() + " " + n.ip(), n));
        }
        if (c instanceof Change.DeleteNeighbor r) {
            Neighbor n = r.n();
            if (!linkExists(n.dev())) {
                return NO_SUCH_DEVICE + " \"" + n.dev() + "\"";
            }
            return neighbors.remove(n.dev() + " " + n.ip()) == null ? "RTNETLINK answers: No such file or directory" : null;
        }
        if (c instanceof Change.ReplaceFdb r) {
            FdbEntry f = r.f();
            return onDevice(f.dev(), () -> fdb.put(f.dev() + " " + f.mac(), f));
        }
        if (c instanceof Change.DeleteFdb r) {
            FdbEntry f = r.f();
            if (!linkExists(f.dev())) {
                return NO_SUCH_DEVICE + " \"" + f.dev() + "\"";
            }
            FdbEntry have = fdb.get(f.dev() + " " + f.mac());
            if (have == null) {
                return "RTNETLINK answers: No such file or directory";
            }
            // seen on Linux 6.x: a dst that does not match the entry's is a silent no-op
            if (have.equals(f)) {
                fdb.remove(f.dev() + " " + f.mac());
            }
            return null;
        }
        if (c instanceof Change.ReplaceRoute r) {
            Route route = r.r();
            return onDevice(route.dev(), () -> routes.put(route.dst(), route));
        }
        if (c instanceof Change.DeleteRoute r) {
            Route route = r.r();
            Route have = routes.get(route.dst());
            // "ip route del dst via gw dev d" must match the destination, the gateway and the device
            if (have == null || !have.via().equals(route.via()) || !have.dev().equals(route.dev())) {
                return "RTNETLINK answers: No such process";
            }
            routes.remove(route.dst());
            return null;
        }
        throw new AssertionError("FakeKernel does not know " + c);
    }

    private String updateLink(String name, UnaryOperator<VxlanLink> update) {
        VxlanLink l = vxlanLinks.get(name);
        if (l == null) {
            return NO_SUCH_DEVICE + " \"" + name + "\"";
        }
        vxlanLinks.put(name, update.apply(l));
        return null;
    }

    private String onDevice(String dev, Runnable action) {
        if (!linkExists(dev)) {
            return NO_SUCH_DEVICE + " \"" + dev + "\"";
        }
        action.run();
        return null;
    }

    private void requireDevice(String dev) {
        if (!linkExists(dev)) {
            throw new KernelException(NO_SUCH_DEVICE + " \"" + dev + "\"", null);
        }
    }

    private static VxlanLink withState(VxlanLink l, int mtu, boolean up, List<Ip4Net> addresses) {
        return new VxlanLink(l.name(), l.vni(), l.lowerDev(), l.local(), l.port(), l.learning(), l.mac(), mtu, up,
                List.copyOf(addresses));
    }
}
