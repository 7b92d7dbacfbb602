package dev.vxlab.orchestrator.core;

import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.doctor.EtcdFacts;
import dev.vxlab.orchestrator.etcd.EtcdGateway;
import dev.vxlab.orchestrator.etcd.HttpEtcdGateway;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lab's leases as etcd holds them now, with the seconds each has left: read from where the lab's state says
 * etcd runs (this machine, or a node through a port forwarded over its SSH session). Never throws for an etcd
 * that cannot be reached: {@code error} says why, for status and doctor to show. Through etcd's JSON gateway
 * ({@link EtcdGateway}): no gRPC client to load for a few reads.
 */
record LabLeases(String endpoint, String etcdOn, Map<Lease, Long> ttls, String config, String error) {

    List<Lease> leases() {
        return List.copyOf(ttls.keySet());
    }

    static LabLeases read(Lab l, Machines machines) {
        return withGateway(l, machines, LabLeases::leases, false).leases();
    }

    /** The leases, and with several members each one's health (VX018, status): every member reached once for both. */
    record WithMembers(LabLeases leases, List<EtcdFacts.Member> members) {
    }

    static WithMembers readWithMembers(Lab l, Machines machines) {
        return withGateway(l, machines, LabLeases::leases, true);
    }

    private static LabLeases leases(Lab l, String endpoint, EtcdGateway etcd) {
        String prefix = l.spec().etcd().prefix();
        Map<Lease, Long> ttls = new LinkedHashMap<>();
        for (Lease lease : leases(prefix, etcd.entries(endpoint, SubnetKey.subnetsDir(prefix)))) {
            ttls.put(lease, lease.etcdLeaseId() == 0 ? null : etcd.timeToLive(endpoint, lease.etcdLeaseId()).orElse(null));
        }
        String config = etcd.range(endpoint, SubnetKey.config(prefix)).get(SubnetKey.config(prefix));
        return new LabLeases(endpoint, null, ttls, config, null);
    }

    /** The leases among {@code kvs}: keys that name no subnet, and values that are no lease's JSON, left out (as the agent does). */
    static List<Lease> leases(String prefix, List<GatewayKv.Kv> kvs) {
        return kvs.stream().flatMap(kv -> {
            try {
                return Lease.decode(prefix, kv.key(), kv.value(), kv.lease(), kv.createRevision(), kv.modRevision()).stream();
            } catch (IllegalArgumentException e) {
                return Optional.<Lease>empty().stream();
            }
        }).toList();
    }

    /** Deletes the lease of {@code subnet} (an exercise's fault); throws when etcd cannot be reached. */
    static void revoke(Lab l, Machines machines, Ip4Net subnet) {
        LabLeases r = withGateway(l, machines, (lab, endpoint, etcd) -> {
            String key = SubnetKey.of(lab.spec().etcd().prefix(), subnet);
            for (GatewayKv.Kv kv : etcd.entries(endpoint, key)) {
                if (kv.key().equals(key)) {
                    if (kv.lease() != 0) {
                        etcd.revoke(endpoint, kv.lease()); // the key goes with it: the agent sees its lease end, as when it expires
                    } else {
                        etcd.delete(endpoint, key);
                    }
                }
            }
            return new LabLeases(endpoint, null, Map.of(), null, null);
        }, false).leases();
        if (r.error() != null) {
            throw new VxlabException("cannot delete the lease " + subnet + " in etcd: " + r.error(), "vxlab doctor " + l.spec().name());
        }
    }

    private interface Use {
        LabLeases apply(Lab l, String endpoint, EtcdGateway etcd);
    }

    /**
     * Runs {@code use} on the lab's etcd; what fails to reach it becomes {@code error}. With several members, on
     * the first that answers healthy (a member that is down, or cut off from the majority, is passed over);
     * {@code askEach}: every member asked how it is first (and that answer picks the member).
     */
    private static WithMembers withGateway(Lab l, Machines machines, Use use, boolean askEach) {
        String etcdOn = l.state().string("etcdOn");
        if (l.state().string("etcdEndpoint") == null && etcdOn == null) {
            return new WithMembers(new LabLeases(null, null, Map.of(), null, "the lab's state names no etcd"), List.of());
        }
        List<EtcdCluster.Member> members = EtcdCluster.members(l.spec());
        boolean cluster = members.size() > 1;
        EtcdGateway gateway;
        try {
            gateway = HttpEtcdGateway.forLab(l.spec(), l.state().dir());
        } catch (VxlabException e) {
            return new WithMembers(new LabLeases(null, etcdOn, Map.of(), null, e.getMessage()),
                    askEach && cluster ? EtcdMembers.unreachable(l.spec()) : List.of());
        }
        if (members.isEmpty()) {
            return new WithMembers(run(l, l.state().string("etcdEndpoint"), etcdOn, gateway, use), List.of());
        }
        try (EtcdMembers reach = EtcdMembers.reach(l.spec(), machines)) {
            List<EtcdFacts.Member> health = askEach && cluster ? reach.health(gateway) : List.of();
            EtcdMembers.Reached first = null;
            for (int i = 0; i < reach.members().size(); i++) {
                EtcdMembers.Reached m = reach.members().get(i);
                if (m.local() == null) {
                    continue;
                }
                if (first == null) {
                    first = m;
                }
                if (!cluster || (health.isEmpty() ? gateway.healthy(m.local()) : health.get(i).healthy())) {
                    return new WithMembers(run(l, m.local(), m.member().node(), gateway, use), health);
                }
            }
            if (first == null) {
                return new WithMembers(new LabLeases(null, etcdOn, Map.of(), null, reach.members().get(0).error()), health);
            }
            // not read: a member without a leader would keep each call waiting for its timeout
            return new WithMembers(new LabLeases(first.local(), first.member().node(), Map.of(), null,
                    "no member of the lab's etcd answers healthy (" + members.size() + " members; `vxlab status` shows each and the quorum)"), health);
        }
    }

    private static LabLeases run(Lab l, String endpoint, String etcdOn, EtcdGateway gateway, Use use) {
        if (endpoint == null) {
            return new LabLeases(null, etcdOn, Map.of(), null, "the lab's state names no etcd");
        }
        try {
            LabLeases r = use.apply(l, endpoint, gateway);
            return new LabLeases(r.endpoint(), etcdOn, r.ttls(), r.config(), r.error());
        } catch (VxlabException e) {
            return new LabLeases(endpoint, etcdOn, Map.of(), null, e.getMessage());
        }
    }
}
