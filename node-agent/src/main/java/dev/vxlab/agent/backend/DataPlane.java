package dev.vxlab.agent.backend;

import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.BackendType;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data plane: the backend's device (vxlan) and the neighbour, FDB and route entries for every
 * peer, kept equal to what the leases ask for.
 *
 * <p>Design notes. Everything the kernel should hold is computed as data by {@link Planner} from the full
 * set of leases, then {@link Reconciler} diffs it against what the kernel holds and {@link Kernel} applies the
 * difference in one batch. The "actual" side is read back from the kernel at start, after any failed change
 * and on every periodic resync, and otherwise is the state last applied — so a lease event costs a few lines
 * written to the agent's long-lived {@code ip}/{@code bridge} batch processes and no reads, while a route
 * deleted by hand or a half-applied batch is repaired at the next resync. Because each sync starts from the full lease set, lost, duplicated or reordered events
 * cannot leave the kernel wrong; that is what flanneld v0.20's watch gets wrong under concurrent starts.
 * What differs between backends (the device, the entries per peer, the MTU) is the {@link Backend}'s.
 */
public final class DataPlane {
    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

    private final KernelWriter kernel;
    private final NetworkConfig cfg;
    private final Backend backend;
    private final String overlayDev;
    private DesiredState applied;
    private Set<Ip4Net> peers = Set.of();

    /** {@code backend} is the one registered for {@code cfg}'s Backend.Type. */
    public DataPlane(Kernel kernel, NetworkConfig cfg, Backend backend, boolean explain) {
        this.kernel = new KernelWriter(kernel, explain);
        this.cfg = cfg;
        this.backend = backend;
        this.overlayDev = Planner.vxlanDevice(cfg.backend().vni());
    }

    public BackendType type() {
        return backend.type();
    }

    /** The backend's device, or null when it has none (host-gw). */
    public String deviceName() {
        return backend.device();
    }

    /** The MTU left for containers on an external interface of {@code externalMtu}. */
    public int containerMtu(int externalMtu) {
        return externalMtu - backend.mtuOverhead();
    }

    /**
     * Before the lease: the backend sets up its device, or checks the interface (see {@link Backend#prepare});
     * returns what this node writes into its lease.
     */
    public LeaseAttrs prepare(ExternalInterface ext, String vtepSeed, LeaseAttrs.NodeIdentity me) {
        return backend.prepare(kernel, ext, vtepSeed, me);
    }

    /** After the lease: the device gets its address for {@code subnet}, its MTU, and is up (nothing for host-gw). */
    public void configure(Ip4Net subnet, int mtu) {
        backend.configure(kernel, subnet, mtu);
    }

    /** Whether the device the backend needs exists (always true without one). */
    public boolean deviceHealthy() {
        return backend.device() == null || kernel.kernel().linkExists(backend.device());
    }

    /**
     * Converges the kernel to the leases. {@code readKernel} re-reads the kernel's entries (resync); otherwise
     * the state last applied is taken as the kernel's. Returns the number of changes made.
     */
    public int sync(Planner.Self me, Collection<Lease> leases, boolean readKernel) {
        DesiredState desired = Planner.plan(backend, cfg, me, leases);
        DesiredState actual = readKernel || applied == null ? readKernel() : applied;
        List<Change> changes = Reconciler.diff(desired, actual, new Reconciler.Scope(overlayDev, me.extDev(), cfg.network()));
        if (changes.isEmpty()) {
            applied = desired;
            logPeers(desired);
            return 0;
        }
        List<Kernel.Failure> failures = kernel.apply(changes);
        for (Kernel.Failure f : failures) {
            log.warn("Kernel change failed: {}: {}", f.change().command(), f.error());
        }
        // after a failure the kernel's state is unknown: read it back next time
        applied = failures.isEmpty() ? desired : null;
        logPeers(desired); // after the kernel change, so the log's time is when the route exists
        return changes.size();
    }

    /** Number of peers with entries programmed. */
    public int peerCount() {
        return peers.size();
    }

    /** Logs the subnets that gained or lost their route, in order; only those few are sorted. */
    private void logPeers(DesiredState desired) {
        Set<Ip4Net> now = new HashSet<>();
        for (Route r : desired.routes()) {
            now.add(r.dst());
        }
        if (now.equals(peers)) {
            return;
        }
        List<Ip4Net> added = new ArrayList<>();
        for (Ip4Net s : now) {
            if (!peers.contains(s)) {
                added.add(s);
            }
        }
        List<Ip4Net> removed = new ArrayList<>();
        for (Ip4Net s : peers) {
            if (!now.contains(s)) {
                removed.add(s);
            }
        }
        Collections.sort(added);
        Collections.sort(removed);
        for (Ip4Net s : added) {
            log.info("Subnet added: {}", s);
        }
        for (Ip4Net s : removed) {
            log.info("Subnet removed: {}", s);
        }
        peers = now;
    }

    private DesiredState readKernel() {
        Set<Route> routes = new HashSet<>(kernel.kernel().gatewayRoutes());
        String dev = backend.device();
        if (dev == null) {
            return new DesiredState(Set.of(), Set.of(), routes);
        }
        return new DesiredState(new HashSet<>(kernel.kernel().neighbors(dev)), new HashSet<>(kernel.kernel().fdb(dev)), routes);
    }
}
