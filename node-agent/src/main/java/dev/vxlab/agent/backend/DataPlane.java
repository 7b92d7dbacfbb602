package dev.vxlab.agent.backend;

import dev.vxlab.agent.backend.vxlan.VtepMac;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.agent.kernel.Change;
import dev.vxlab.agent.kernel.Kernel;
import dev.vxlab.agent.kernel.KernelException;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.kernel.VxlanLink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data plane: the VXLAN device (vxlan backend) and the neighbour, FDB and route entries for every
 * peer, kept equal to what the leases ask for.
 *
 * <p>Design notes. Everything the kernel should hold is computed as data by {@link Planner} from the full
 * set of leases, then {@link Reconciler} diffs it against what the kernel holds and {@link Kernel} applies the
 * difference in one batch. The "actual" side is read back from the kernel at start, after any failed change
 * and on every periodic resync, and otherwise is the state last applied — so a lease event costs a few lines
 * written to the agent's long-lived {@code ip}/{@code bridge} batch processes and no reads, while a route
 * deleted by hand or a half-applied batch is repaired at the next resync. Because each sync starts from the full lease set, lost, duplicated or reordered events
 * cannot leave the kernel wrong; that is what flanneld v0.20's watch gets wrong under concurrent starts.
 */
public final class DataPlane {
    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

    private final Kernel kernel;
    private final NetworkConfig cfg;
    private final boolean explain;
    private final String vxlanDev;
    private DesiredState applied;
    private Set<Ip4Net> peers = Set.of();

    public DataPlane(Kernel kernel, NetworkConfig cfg, boolean explain) {
        this.kernel = kernel;
        this.cfg = cfg;
        this.explain = explain;
        this.vxlanDev = Planner.vxlanDevice(cfg.backend().vni());
    }

    public boolean vxlan() {
        return cfg.backend().type().equals("vxlan");
    }

    public String deviceName() {
        return vxlan() ? vxlanDev : null;
    }

    /**
     * Before the lease: for vxlan, makes sure flannel.&lt;VNI&gt; exists with the right VNI, lower device, local
     * address and port (re-creating an incompatible one, keeping a compatible one with its MAC) and returns
     * the device's MAC for the lease; for host-gw, checks that the public IP is the interface's own address.
     */
    public Optional<String> prepare(ExternalInterface ext, String vtepSeed) {
        if (!vxlan()) {
            if (!ext.publicIp().equals(ext.ifaceAddr())) {
                throw new KernelException("host-gw backend: the public IP " + ext.publicIp() + " is not the address of interface "
                        + ext.iface().name() + " (" + ext.ifaceAddr() + "); host-gw routes via the peers' interface addresses, so"
                        + " they must be the advertised ones", "drop --public-ip, or use the vxlan backend");
            }
            return Optional.empty();
        }
        VxlanLink wanted = new VxlanLink(vxlanDev, cfg.backend().vni(), ext.iface().name(), ext.ifaceAddr(), cfg.backend().port(),
                false, VtepMac.forNode(vtepSeed), 0, false, List.of());
        Optional<VxlanLink> existing = kernel.vxlanLink(vxlanDev);
        if (existing.isPresent()) {
            String why = existing.get().incompatibility(wanted);
            if (why == null) {
                log.info("Using existing device {} (VNI {}, MAC {})", vxlanDev, existing.get().vni(), existing.get().mac());
                return Optional.of(existing.get().mac());
            }
            log.warn("\"{}\" already exists with incompatible configuration: {}; recreating device", vxlanDev, why);
            mustApply(List.of(new Change.DeleteLink(vxlanDev)));
        }
        mustApply(List.of(new Change.AddVxlan(wanted)));
        VxlanLink created = kernel.vxlanLink(vxlanDev).orElseThrow(() ->
                new KernelException("created " + vxlanDev + " but cannot read it back", "check `ip -d link show " + vxlanDev + "`"));
        log.info("Created device {} (VNI {}, dev {}, local {}, port {}, MAC {})", vxlanDev, created.vni(), created.lowerDev(),
                created.local(), created.port(), created.mac());
        return Optional.of(created.mac());
    }

    /** After the lease: the device's address is the subnet's network address /32, its MTU the external MTU - 50, and it is up. */
    public void configure(Ip4Net subnet, int mtu) {
        if (!vxlan()) {
            return;
        }
        Ip4Net addr = new Ip4Net(subnet.network(), 32);
        VxlanLink link = kernel.vxlanLink(vxlanDev).orElseThrow(() -> new KernelException(vxlanDev + " is missing",
                "it is created at start; restart vxlabd"));
        List<Change> changes = new ArrayList<>();
        for (Ip4Net a : link.addresses()) {
            if (!a.equals(addr)) {
                changes.add(new Change.DeleteAddress(vxlanDev, a));
            }
        }
        if (!link.addresses().contains(addr)) {
            changes.add(new Change.ReplaceAddress(vxlanDev, addr));
        }
        if (link.mtu() != mtu || !link.up()) {
            changes.add(new Change.SetMtuUp(vxlanDev, mtu));
        }
        mustApply(changes);
    }

    /** Whether the device the backend needs exists (always true for host-gw). */
    public boolean deviceHealthy() {
        return !vxlan() || kernel.linkExists(vxlanDev);
    }

    /**
     * Converges the kernel to the leases. {@code readKernel} re-reads the kernel's entries (resync); otherwise
     * the state last applied is taken as the kernel's. Returns the number of changes made.
     */
    public int sync(Planner.Self me, Collection<Lease> leases, boolean readKernel) {
        DesiredState desired = Planner.plan(cfg, me, leases);
        DesiredState actual = readKernel || applied == null ? readKernel(me) : applied;
        List<Change> changes = Reconciler.diff(desired, actual, new Reconciler.Scope(vxlanDev, me.extDev(), cfg.network()));
        if (changes.isEmpty()) {
            applied = desired;
            logPeers(desired);
            return 0;
        }
        if (explain) {
            changes.forEach(c -> log.info("explain: {}", c.command()));
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

    private DesiredState readKernel(Planner.Self me) {
        Set<Route> routes = new HashSet<>(kernel.gatewayRoutes());
        if (!vxlan()) {
            return new DesiredState(Set.of(), Set.of(), routes);
        }
        return new DesiredState(new HashSet<>(kernel.neighbors(vxlanDev)), new HashSet<>(kernel.fdb(vxlanDev)), routes);
    }

    private void mustApply(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (explain) {
            changes.forEach(c -> log.info("explain: {}", c.command()));
        }
        List<Kernel.Failure> failures = kernel.apply(changes);
        if (!failures.isEmpty()) {
            Kernel.Failure f = failures.get(0);
            throw new KernelException("kernel refused: " + f.change().command() + ": " + f.error(),
                    "vxlabd needs root (CAP_NET_ADMIN) and a kernel with VXLAN support (modprobe vxlan)");
        }
    }
}
