package dev.vxlab.orchestrator.render;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.LabSpec.Agent;
import dev.vxlab.orchestrator.spec.LabSpec.Etcd;
import dev.vxlab.orchestrator.spec.LabSpec.EtcdMode;
import dev.vxlab.orchestrator.spec.LabSpec.Firewall;
import dev.vxlab.orchestrator.spec.LabSpec.Network;
import dev.vxlab.orchestrator.spec.LabSpec.Node;
import dev.vxlab.orchestrator.spec.LabSpec.Provider;
import dev.vxlab.orchestrator.spec.LabSpec.Underlay;
import java.time.Duration;
import java.util.List;

/** Resolved lab specs built by hand, bypassing the YAML loader; quickstart() is labs/quickstart.yaml. */
final class TestLabs {
    static final List<String> HOST_ETCD = List.of("http://192.168.56.1:2379");

    private TestLabs() {
    }

    static LabSpec quickstart() {
        return new LabSpec("quickstart", Provider.NETNS,
                new Network(Ip4Net.parse("10.244.0.0/16"), 24, "vxlan", 1, 8472, false),
                new Underlay(Ip4Net.parse("192.168.56.0/24"), Ip4.parse("192.168.56.1"), true),
                new Etcd(EtcdMode.AUTO, "quay.io/coreos/etcd:v3.5.17", "/coreos.com/network", List.of(), 1, List.of(), null, null, null),
                new Agent("--iface=eth1", Duration.ofHours(24)),
                Firewall.FIREWALLD,
                new LabSpec.Vagrant(null, "debian/bookworm64", 1024, 1, "vxlab/node:bookworm"),
                List.of(node("kube1", "192.168.56.11"), node("kube2", "192.168.56.12"), node("kube3", "192.168.56.13")),
                null);
    }

    static Node node(String name, String ip) {
        return new Node(name, Ip4.parse(ip));
    }

    static Node kube1() {
        return quickstart().nodes().get(0);
    }

    static LabSpec withName(LabSpec s, String name) {
        return new LabSpec(name, s.provider(), s.network(), s.underlay(), s.etcd(), s.agent(), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withNetwork(LabSpec s, String backend, int vni, int port, boolean directRouting) {
        Network n = s.network();
        return new LabSpec(s.name(), s.provider(), new Network(n.cidr(), n.subnetLen(), backend, vni, port, directRouting),
                s.underlay(), s.etcd(), s.agent(), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withOptions(LabSpec s, String options) {
        return new LabSpec(s.name(), s.provider(), s.network(), s.underlay(), s.etcd(),
                new Agent(options, s.agent().leaseTtl()), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withLeaseTtl(LabSpec s, Duration ttl) {
        return new LabSpec(s.name(), s.provider(), s.network(), s.underlay(), s.etcd(),
                new Agent(s.agent().options(), ttl), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withPrefix(LabSpec s, String prefix) {
        Etcd e = s.etcd();
        return new LabSpec(s.name(), s.provider(), s.network(), s.underlay(),
                new Etcd(e.mode(), e.image(), prefix, e.on(), e.members(), e.endpoints(), e.caFile(), e.certFile(), e.keyFile(), e.tls()),
                s.agent(), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withProvider(LabSpec s, Provider provider) {
        return new LabSpec(s.name(), provider, s.network(), s.underlay(), s.etcd(), s.agent(), s.firewall(), s.vagrant(), s.nodes(), s.source());
    }

    static LabSpec withFirewall(LabSpec s, Firewall firewall) {
        return new LabSpec(s.name(), s.provider(), s.network(), s.underlay(), s.etcd(), s.agent(), firewall, s.vagrant(), s.nodes(), s.source());
    }
}
