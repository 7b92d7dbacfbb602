package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link EtcdPlacement} for real: {@link NodeEtcd} when the spec names a node, else {@link LabEtcd} on this machine. */
public final class StandardEtcdPlacement implements EtcdPlacement {
    private final EtcdGateway gateway;
    private final LabEtcd here;
    private final NodeEtcd onNode;

    public StandardEtcdPlacement(Host host, EtcdGateway gateway, Consumer<String> verbose) {
        this.gateway = gateway;
        this.here = new LabEtcd(host, gateway, verbose);
        this.onNode = new NodeEtcd(host, gateway);
    }

    @Override
    public Placed start(LabSpec spec, Map<String, RemoteShell> shells, Supplier<Ip4> hostAddress, LabState state) {
        if (!spec.etcd().on().isEmpty()) {
            NodeEtcd.Started etcd = onNode.start(spec, shells, state);
            return new Placed(etcd.mode() + " on " + String.join(", ", spec.etcd().on()) + " at " + etcd.endpoints() + " (" + etcd.why() + ")",
                    etcd.endpoints(), etcd.local());
        }
        if (spec.etcd().mode() != LabSpec.EtcdMode.EXTERNAL && hostAddress.get() == null) {
            throw new VxlabException("etcd would run on this machine at " + spec.underlay().hostIp()
                    + ", but this machine has no such address on the lab's network, so the nodes could not reach it",
                    "run etcd on a node: etcd: {mode: process, on: " + spec.nodes().get(0).name() + "} in " + spec.source());
        }
        LabEtcd.Started etcd = here.start(spec, state);
        return new Placed(etcd.mode() + " at " + etcd.endpoints() + " (" + etcd.why() + ")", etcd.endpoints(), etcd.endpoints().get(0));
    }

    @Override
    public boolean writeConfig(LabSpec spec, String local) {
        return gateway.writeConfig(local, spec.etcd().prefix(), LabEtcd.networkConfig(spec.network()));
    }

    @Override
    public List<String> releaseReplaced(LabSpec spec, String local, Map<String, String> nodeIdByNode) {
        String prefix = spec.etcd().prefix();
        List<String> released = new ArrayList<>();
        for (String key : ReplacedMachines.keys(prefix, gateway.range(local, SubnetKey.subnetsDir(prefix)), nodeIdByNode)) {
            gateway.delete(local, key);
            released.add(key);
        }
        return released;
    }

    @Override
    public void stop(LabState state) {
        here.stop(state);
    }

    /** The endpoints as the nodes reach them, for files rendered without a lab ({@code render}). */
    public static List<String> renderedEndpoints(LabSpec spec) {
        return spec.etcd().mode() == LabSpec.EtcdMode.EXTERNAL
                ? spec.etcd().endpoints().stream().map(java.net.URI::toString).toList()
                : EtcdCluster.clientUrls(EtcdCluster.members(spec));
    }
}
