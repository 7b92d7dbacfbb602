package dev.vxlab.agent.backend.hostgw;

import dev.vxlab.agent.backend.Backend;
import dev.vxlab.agent.backend.DesiredState;
import dev.vxlab.agent.backend.KernelWriter;
import dev.vxlab.agent.backend.Planner;
import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.agent.kernel.KernelException;
import dev.vxlab.agent.kernel.Route;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.BackendType;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;

/**
 * flannel's host-gw backend: no device and no encapsulation; each peer's subnet is routed via the peer's
 * PublicIP on the external interface ({@code <subnet> via <PublicIP> dev <ext>}). That only works when the nodes
 * share one L2 network and the PublicIPs are the interfaces' own addresses, so a --public-ip that is not the
 * interface's address is refused before the lease.
 */
public final class HostGwBackend implements Backend {

    public HostGwBackend(NetworkConfig.Backend cfg) {
        // host-gw has no settings of its own (VNI and Port mean nothing to it)
    }

    @Override
    public BackendType type() {
        return BackendType.HOST_GW;
    }

    @Override
    public String device() {
        return null;
    }

    @Override
    public int mtuOverhead() {
        return 0;
    }

    /** Checks that the public IP is the interface's own address; nothing else to set up. */
    @Override
    public LeaseAttrs prepare(KernelWriter kernel, ExternalInterface ext, String vtepSeed, LeaseAttrs.NodeIdentity me) {
        if (!ext.publicIp().equals(ext.ifaceAddr())) {
            throw new KernelException("host-gw backend: the public IP " + ext.publicIp() + " is not the address of interface "
                    + ext.iface().name() + " (" + ext.ifaceAddr() + "); host-gw routes via the peers' interface addresses, so"
                    + " they must be the advertised ones", "drop --public-ip, or use the vxlan backend");
        }
        return LeaseAttrs.hostGw(ext.publicIp(), me);
    }

    @Override
    public void configure(KernelWriter kernel, Ip4Net subnet, int mtu) {
        // no device
    }

    @Override
    public void addPeer(Lease peer, Planner.Self self, DesiredState.Builder into) {
        into.route(new Route(peer.subnet(), peer.attrs().publicIp(), self.extDev(), false));
    }
}
