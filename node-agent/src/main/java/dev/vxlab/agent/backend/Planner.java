package dev.vxlab.agent.backend;

import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.util.Collection;
import java.util.List;

/**
 * Computes, from the leases in etcd, the kernel entries this node needs — flannel's rules as a pure function:
 * for each remote lease of this node's backend type inside Network, the entries its {@link Backend} asks for
 * (see VxlanBackend and HostGwBackend for each backend's rules).
 * This node's own lease (by subnet or by node identity) is skipped, as are leases of another backend type
 * and leases outside Network.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * Where this node stands: its subnet, what it writes into its lease (its identity), its external interface
     * and that interface's networks.
     */
    public record Self(Ip4Net subnet, LeaseAttrs me, String extDev, List<Ip4Net> extNetworks) {
    }

    /**
     * The name of the network's overlay device, flannel.&lt;VNI&gt;: the vxlan backend's device, and whose
     * entries are the agent's to remove whatever the backend (a host-gw node cleans up after a vxlan run).
     */
    public static String vxlanDevice(int vni) {
        return "flannel." + vni;
    }

    public static DesiredState plan(Backend backend, NetworkConfig cfg, Self self, Collection<Lease> leases) {
        DesiredState.Builder into = new DesiredState.Builder();
        for (Lease l : leases) {
            // a lease outside Network (left from an older config) gets no entries: they could never be cleaned up
            if (l.subnet().equals(self.subnet()) || l.attrs().sameNode(self.me()) || !l.attrs().backendIs(backend.type())
                    || !cfg.network().contains(l.subnet())) {
                continue;
            }
            backend.addPeer(l, self, into);
        }
        return into.build();
    }
}
