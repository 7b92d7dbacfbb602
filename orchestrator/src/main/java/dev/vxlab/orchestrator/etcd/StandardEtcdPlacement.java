package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link EtcdPlacement} for real: {@link NodeEtcd} when the spec names a node, else {@link LabEtcd} on this machine. */
public final class StandardEtcdPlacement implements EtcdPlacement {
    private final Host host;
    private final EtcdGateway.Factory gateways;
    private final Consumer<String> verbose;

    public StandardEtcdPlacement(Host host, EtcdGateway.Factory gateways, Consumer<String> verbose) {
        this.host = host;
        this.gateways = gateways;
        this.verbose = verbose;
    }

    @Override
    public Placed start(LabSpec spec, Map<String, RemoteShell> shells, Supplier<Ip4> hostAddress, LabState state) {
        if (spec.etcd().on().isEmpty() && spec.etcd().mode() != LabSpec.EtcdMode.EXTERNAL && hostAddress.get() == null) {
            throw new VxlabException("etcd would run on this machine at " + spec.underlay().hostIp()
                    + ", but this machine has no such address on the lab's network, so the nodes could not reach it",
                    "run etcd on a node: etcd: {mode: process, on: " + spec.nodes().get(0).name() + "} in " + spec.source());
        }
        String tls = tls(spec, state);
        EtcdGateway gateway = gateways.forLab(spec, state.dir());
        if (!spec.etcd().on().isEmpty()) {
            NodeEtcd.Started etcd = new NodeEtcd(host, gateway).start(spec, shells, state);
            return new Placed(etcd.mode() + " on " + String.join(", ", spec.etcd().on()) + " at " + etcd.endpoints() + " (" + etcd.why() + ")" + tls,
                    etcd.endpoints(), etcd.local());
        }
        LabEtcd.Started etcd = new LabEtcd(host, gateway, verbose).start(spec, state);
        return new Placed(etcd.mode() + " at " + etcd.endpoints() + " (" + etcd.why() + ")" + tls, etcd.endpoints(), etcd.endpoints().get(0));
    }

    /** Makes the lab's certificates that are missing (TLS on, etcd started by vxlab); what the step line says of TLS. */
    private String tls(LabSpec spec, LabState state) {
        if (!EtcdTls.on(spec)) {
            return ""; // netns (sealed), or tls: false, which EtcdTls.notice warns of
        }
        if (!EtcdTls.generated(spec)) {
            return "; TLS with the spec's files";
        }
        List<String> made = new EtcdPki(EtcdPki.dir(state.dir()), spec.name()).ensure(EtcdTls.certificates(spec, EtcdCluster.members(spec)));
        return "; TLS, client certificates required (the lab's CA in " + EtcdPki.dir(state.dir()) + (made.isEmpty() ? ")"
                : made.contains(EtcdTls.CA_NAME) ? ", new: signed " + (made.size() - 1) + " certificates)" : ", signed again: " + String.join(", ", made) + ")");
    }

    @Override
    public boolean writeConfig(LabSpec spec, LabState state, String local) {
        return gateways.forLab(spec, state.dir()).writeConfig(local, spec.etcd().prefix(), LabEtcd.networkConfig(spec.network()));
    }

    @Override
    public List<String> releaseReplaced(LabSpec spec, LabState state, String local, Map<String, String> nodeIdByNode) {
        EtcdGateway gateway = gateways.forLab(spec, state.dir());
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
        new LabEtcd(host, null, verbose).stop(state);
    }

    /** The endpoints as the nodes reach them, for files rendered without a lab ({@code render}). */
    public static List<String> renderedEndpoints(LabSpec spec) {
        return spec.etcd().mode() == LabSpec.EtcdMode.EXTERNAL
                ? spec.etcd().endpoints().stream().map(java.net.URI::toString).toList()
                : EtcdCluster.clientUrls(EtcdCluster.members(spec));
    }
}
