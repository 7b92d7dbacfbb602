package dev.vxlab.orchestrator.core;

import dev.vxlab.core.etcd.GatewayCluster;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.doctor.EtcdFacts;
import dev.vxlab.orchestrator.etcd.EtcdGateway;
import dev.vxlab.orchestrator.etcd.NodeEtcd;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lab's etcd members, each where vxlab reaches it from here: a member on this machine at its client URL, a
 * member on a node through a port forwarded over that node's SSH session (kept open until {@link #close}). A
 * node that cannot be reached gives a member with {@code local} null and the reason in {@code error}.
 */
final class EtcdMembers implements AutoCloseable {
    record Reached(EtcdCluster.Member member, String local, String error) {
    }

    private final List<Reached> members;
    private final List<RemoteShell> shells;

    private EtcdMembers(List<Reached> members, List<RemoteShell> shells) {
        this.members = members;
        this.shells = shells;
    }

    static EtcdMembers reach(LabSpec spec, Machines machines) {
        List<Reached> members = new ArrayList<>();
        List<RemoteShell> shells = new ArrayList<>();
        for (EtcdCluster.Member m : EtcdCluster.members(spec)) {
            if (m.here()) {
                members.add(new Reached(m, m.clientUrl(), null));
                continue;
            }
            LabSpec.Node node = spec.nodes().stream().filter(n -> n.name().equals(m.node())).findFirst().orElse(null);
            if (node == null) {
                members.add(new Reached(m, null, "etcd's node " + m.node() + " is not in the spec"));
                continue;
            }
            try {
                RemoteShell sh = machines.connect(node);
                shells.add(sh);
                members.add(new Reached(m, NodeEtcd.forward(spec, sh), null));
            } catch (VxlabException e) {
                members.add(new Reached(m, null, m.node() + " cannot be reached: " + e.getMessage()));
            }
        }
        return new EtcdMembers(members, shells);
    }

    /** Every member, asked through {@code gateway} how it is (its status and /health), in the spec's order. */
    List<EtcdFacts.Member> health(EtcdGateway gateway) {
        List<EtcdFacts.Member> out = new ArrayList<>();
        for (Reached r : members) {
            EtcdCluster.Member m = r.member();
            if (r.local() == null) {
                out.add(unreachable(m));
                continue;
            }
            Optional<GatewayCluster.Status> said = gateway.memberStatus(r.local());
            String health = said.isEmpty() ? EtcdQuorum.DOWN : !said.get().hasLeader() ? EtcdQuorum.NO_LEADER
                    : gateway.healthy(r.local()) ? EtcdQuorum.HEALTHY : EtcdQuorum.UNHEALTHY;
            out.add(new EtcdFacts.Member(m.name(), m.where(), m.clientUrl(), health, said.map(GatewayCluster.Status::isLeader).orElse(false)));
        }
        return out;
    }

    /** Every member of {@code spec} as unreachable (vxlab cannot even set up its way to them). */
    static List<EtcdFacts.Member> unreachable(LabSpec spec) {
        return EtcdCluster.members(spec).stream().map(EtcdMembers::unreachable).toList();
    }

    private static EtcdFacts.Member unreachable(EtcdCluster.Member m) {
        return new EtcdFacts.Member(m.name(), m.where(), m.clientUrl(), EtcdQuorum.UNREACHABLE, false);
    }

    List<Reached> members() {
        return members;
    }

    @Override
    public void close() {
        shells.forEach(RemoteShell::close);
    }
}
