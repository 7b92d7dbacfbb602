package dev.vxlab.orchestrator.core;

import dev.vxlab.agent.AgentException;
import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.etcd.EtcdRegistry;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.etcd.NodeEtcd;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lab's leases as etcd holds them now, with the seconds each has left: read from where the lab's state says
 * etcd runs (this machine, or a node through a port forwarded over its SSH session). Never throws for an etcd
 * that cannot be reached: {@code error} says why, for status and doctor to show.
 */
record LabLeases(String endpoint, String etcdOn, Map<Lease, Long> ttls, String config, String error) {

    List<Lease> leases() {
        return List.copyOf(ttls.keySet());
    }

    static LabLeases read(Lab l, Machines machines) {
        return withRegistry(l, machines, (endpoint, reg) -> {
            Map<Lease, Long> ttls = new LinkedHashMap<>();
            for (Lease lease : reg.leases().leases()) {
                ttls.put(lease, reg.timeToLive(lease).map(Duration::toSeconds).orElse(null));
            }
            return new LabLeases(endpoint, l.state().string("etcdOn"), ttls, reg.networkConfig().orElse(null), null);
        });
    }

    /** Deletes the lease of {@code subnet} (an exercise's fault); throws when etcd cannot be reached. */
    static void revoke(Lab l, Machines machines, Ip4Net subnet) {
        LabLeases r = withRegistry(l, machines, (endpoint, reg) -> {
            reg.get(subnet).ifPresent(reg::revoke);
            return new LabLeases(endpoint, null, Map.of(), null, null);
        });
        if (r.error() != null) {
            throw new VxlabException("cannot delete the lease " + subnet + " in etcd: " + r.error(), "vxlab doctor " + l.spec().name());
        }
    }

    private interface Use {
        LabLeases apply(String endpoint, EtcdRegistry registry);
    }

    /** Runs {@code use} with a registry on the lab's etcd; what fails to reach it becomes {@code error}. */
    private static LabLeases withRegistry(Lab l, Machines machines, Use use) {
        String endpoint = l.state().string("etcdEndpoint");
        String etcdOn = l.state().string("etcdOn");
        RemoteShell etcdNode = null;
        try {
            if (etcdOn != null) {
                LabSpec.Node on = l.spec().nodes().stream().filter(n -> n.name().equals(etcdOn)).findFirst().orElse(null);
                if (on == null) {
                    return new LabLeases(null, etcdOn, Map.of(), null, "etcd's node " + etcdOn + " is not in the spec");
                }
                etcdNode = machines.connect(on);
                endpoint = NodeEtcd.forward(etcdNode);
            }
            if (endpoint == null) {
                return new LabLeases(null, etcdOn, Map.of(), null, "the lab's state names no etcd");
            }
            try (EtcdRegistry reg = new EtcdRegistry(new EtcdRegistry.Settings(List.of(URI.create(endpoint)), l.spec().etcd().prefix(),
                    null, null, null, null, null, Duration.ofSeconds(10)))) {
                return use.apply(endpoint, reg);
            }
        } catch (VxlabException | AgentException e) {
            return new LabLeases(endpoint, etcdOn, Map.of(), null, e.getMessage());
        } finally {
            if (etcdNode != null) {
                etcdNode.close();
            }
        }
    }
}
