package dev.vxlab.agent.backend.vxlan;

import dev.vxlab.agent.backend.Backend;
import dev.vxlab.agent.backend.DesiredState;
import dev.vxlab.agent.backend.KernelWriter;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.iface.ExternalInterface;
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
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * flannel's vxlan backend: one VXLAN device, flannel.&lt;VNI&gt;, and three entries per peer.
 *
 * <p>Design notes. The device has the external interface as lower device and its address as local address,
 * learning off, the configured UDP port, and a MAC derived from the node ({@link VtepMac}: the same after a
 * restart, unlike flanneld's, so peers' FDB entries stay right). Before the lease, an existing device with
 * another VNI, lower device, local address or port is deleted and re-created (flannel's log line); a compatible
 * one is kept with its MAC. After the lease it gets the subnet's network address /32, the external MTU − 50
 * (the VXLAN, UDP, IP and Ethernet headers) and is set up. For each remote vxlan lease:
 * neighbour {@code <subnet>.0 lladdr <VtepMAC> dev flannel.<VNI>}, FDB {@code <VtepMAC> dst <PublicIP>},
 * route {@code <subnet> via <subnet>.0 dev flannel.<VNI> onlink} — the neighbour and FDB entries are permanent,
 * so the kernel never floods or ARPs across the overlay. With DirectRouting, a peer whose PublicIP is on one of
 * the external interface's connected networks gets {@code <subnet> via <PublicIP> dev <ext>} and nothing else,
 * as host-gw would. A vxlan lease without a VtepMAC gets nothing.
 */
public final class VxlanBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(VxlanBackend.class);
    /** VXLAN (8) + UDP (8) + IPv4 (20) + inner Ethernet (14) headers. */
    static final int OVERHEAD = 50;

    private final NetworkConfig.Backend cfg;
    private final String dev;

    public VxlanBackend(NetworkConfig.Backend cfg) {
        this.cfg = cfg;
        this.dev = Planner.vxlanDevice(cfg.vni());
    }

    @Override
    public BackendType type() {
        return BackendType.VXLAN;
    }

    @Override
    public String device() {
        return dev;
    }

    @Override
    public int mtuOverhead() {
        return OVERHEAD;
    }

    /**
     * Makes sure flannel.&lt;VNI&gt; exists with the right VNI, lower device, local address and port (re-creating
     * an incompatible one, keeping a compatible one with its MAC); the lease carries the device's MAC.
     */
    @Override
    public LeaseAttrs prepare(KernelWriter kernel, ExternalInterface ext, String vtepSeed, LeaseAttrs.NodeIdentity me) {
        return LeaseAttrs.vxlan(ext.publicIp(), cfg.vni(), device(kernel, ext, vtepSeed), me);
    }

    private String device(KernelWriter kernel, ExternalInterface ext, String vtepSeed) {
        VxlanLink wanted = new VxlanLink(dev, cfg.vni(), ext.iface().name(), ext.ifaceAddr(), cfg.port(),
                false, VtepMac.forNode(vtepSeed), 0, false, List.of());
        Optional<VxlanLink> existing = kernel.kernel().vxlanLink(dev);
        if (existing.isPresent()) {
            String why = existing.get().incompatibility(wanted);
            if (why == null) {
                log.info("Using existing device {} (VNI {}, MAC {})", dev, existing.get().vni(), existing.get().mac());
                return existing.get().mac();
            }
            log.warn("\"{}\" already exists with incompatible configuration: {}; recreating device", dev, why);
            kernel.mustApply(List.of(new Change.DeleteLink(dev)));
        }
        kernel.mustApply(List.of(new Change.AddVxlan(wanted)));
        VxlanLink created = kernel.kernel().vxlanLink(dev).orElseThrow(() ->
                new KernelException("created " + dev + " but cannot read it back", "check `ip -d link show " + dev + "`"));
        log.info("Created device {} (VNI {}, dev {}, local {}, port {}, MAC {})", dev, created.vni(), created.lowerDev(),
                created.local(), created.port(), created.mac());
        return created.mac();
    }

    /** The device's address is the subnet's network address /32, its MTU the external MTU - 50, and it is up. */
    @Override
    public void configure(KernelWriter kernel, Ip4Net subnet, int mtu) {
        Ip4Net addr = new Ip4Net(subnet.network(), 32);
        VxlanLink link = kernel.kernel().vxlanLink(dev).orElseThrow(() -> new KernelException(dev + " is missing",
                "it is created at start; restart vxlabd"));
        List<Change> changes = new ArrayList<>();
        for (Ip4Net a : link.addresses()) {
            if (!a.equals(addr)) {
                changes.add(new Change.DeleteAddress(dev, a));
            }
        }
        if (!link.addresses().contains(addr)) {
            changes.add(new Change.ReplaceAddress(dev, addr));
        }
        if (link.mtu() != mtu || !link.up()) {
            changes.add(new Change.SetMtuUp(dev, mtu));
        }
        kernel.mustApply(changes);
    }

    @Override
    public void addPeer(Lease peer, Planner.Self self, DesiredState.Builder into) {
        Ip4 publicIp = peer.attrs().publicIp();
        if (cfg.directRouting() && onExtNetwork(self, publicIp)) {
            into.route(new Route(peer.subnet(), publicIp, self.extDev(), false));
            return;
        }
        String mac = peer.attrs().vtepMac();
        if (mac == null) {
            return;
        }
        mac = mac.toLowerCase();
        into.neighbor(new Neighbor(peer.subnet().network(), mac, dev));
        into.fdb(new FdbEntry(mac, publicIp, dev));
        into.route(new Route(peer.subnet(), peer.subnet().network(), dev, true));
    }

    private static boolean onExtNetwork(Planner.Self self, Ip4 ip) {
        for (Ip4Net n : self.extNetworks()) {
            if (n.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
