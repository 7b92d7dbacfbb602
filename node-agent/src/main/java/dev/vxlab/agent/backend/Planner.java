package dev.vxlab.agent.backend;

import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.LeaseAttrs;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.agent.net.Ip4;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes, from the leases in etcd, the kernel entries this node needs — flannel's rules as a pure function:
 * <ul>
 *   <li>vxlan: per remote vxlan lease, neighbour {@code <subnet>.0 lladdr <VtepMAC> dev flannel.<VNI>}, FDB
 *       {@code <VtepMAC> dst <PublicIP>}, route {@code <subnet> via <subnet>.0 dev flannel.<VNI> onlink};</li>
 *   <li>vxlan with DirectRouting, for a peer whose PublicIP is on one of the external interface's connected
 *       networks: route {@code <subnet> via <PublicIP> dev <ext>} and nothing else;</li>
 *   <li>host-gw: per remote host-gw lease, route {@code <subnet> via <PublicIP> dev <ext>}.</li>
 * </ul>
 * This node's own lease (by subnet or by node name) is skipped, as are leases of another backend type,
 * vxlan leases without a VtepMAC, and leases outside Network.
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

    public static String vxlanDevice(int vni) {
        return "flannel." + vni;
    }

    public static DesiredState plan(NetworkConfig cfg, Self self, Collection<Lease> leases) {
        Set<Neighbor> neighbors = new HashSet<>();
        Set<FdbEntry> fdb = new HashSet<>();
        Set<Route> routes = new HashSet<>();
        String type = cfg.backend().type();
        String dev = vxlanDevice(cfg.backend().vni());
        for (Lease l : leases) {
            // a lease outside Network (left from an older config) gets no entries: they could never be cleaned up
            if (l.subnet().equals(self.subnet()) || l.attrs().sameNode(self.me()) || !type.equals(l.attrs().backendType())
                    || !cfg.network().contains(l.subnet())) {
                continue;
            }
            if (type.equals("host-gw")) {
                routes.add(new Route(l.subnet(), l.attrs().publicIp(), self.extDev(), false));
                continue;
            }
            if (cfg.backend().directRouting() && onExtNetwork(self, l.attrs().publicIp())) {
                routes.add(new Route(l.subnet(), l.attrs().publicIp(), self.extDev(), false));
                continue;
            }
            String mac = l.attrs().vtepMac();
            if (mac == null) {
                continue;
            }
            mac = mac.toLowerCase();
            neighbors.add(new Neighbor(l.subnet().network(), mac, dev));
            fdb.add(new FdbEntry(mac, l.attrs().publicIp(), dev));
            routes.add(new Route(l.subnet(), l.subnet().network(), dev, true));
        }
        // read-only views, not copies: hashing every entry again per lease event costs more than it protects
        return new DesiredState(Collections.unmodifiableSet(neighbors), Collections.unmodifiableSet(fdb),
                Collections.unmodifiableSet(routes));
    }

    private static boolean onExtNetwork(Self self, Ip4 ip) {
        for (Ip4Net n : self.extNetworks()) {
            if (n.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
