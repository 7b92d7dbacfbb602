package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.doctor.LabFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel entries a node should hold for its peers' leases, as the agent programs them (flannel's layout):
 * for vxlan a route {@code subnet via subnet.0 dev flannel.<VNI> onlink}, a permanent neighbour {@code subnet.0
 * lladdr VtepMAC} and an FDB entry {@code VtepMAC dst PublicIP}; for host-gw (and DirectRouting peers on the
 * same network) a route {@code subnet via PublicIP}. Leases of another backend type are ignored, as the agent does.
 */
record Expected(LeaseFact lease, boolean encapsulated) {

    static List<Expected> forNode(LabFacts f, String node) {
        List<Expected> out = new ArrayList<>();
        String backend = f.spec().network().backend();
        for (LeaseFact l : f.peersOf(node)) {
            if (!backend.equals(l.attrs().backendType())) {
                continue;
            }
            boolean direct = backend.equals("host-gw")
                    || (f.spec().network().directRouting() && f.spec().underlay().cidr().contains(l.attrs().publicIp()));
            out.add(new Expected(l, !direct && l.attrs().vtepMac() != null));
        }
        return out;
    }

    String subnet() {
        return lease.subnet().toString();
    }

    String gateway() {
        return encapsulated ? lease.subnet().network().toString() : lease.attrs().publicIp().toString();
    }

    String mac() {
        return lease.attrs().vtepMac() == null ? null : lease.attrs().vtepMac().toLowerCase();
    }

    String publicIp() {
        return lease.attrs().publicIp().toString();
    }

    String who() {
        return lease.nodeName() == null ? lease.attrs().publicIp().toString() : lease.nodeName();
    }
}
