package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.text.GoDuration;
import java.util.ArrayList;
import java.util.List;

/** A resolved spec as plain lines, one fact a line, for the good corpus' *.expected files. */
final class SpecDump {
    private SpecDump() {
    }

    static List<String> lines(LabSpec spec) {
        List<String> lines = new ArrayList<>();
        lines.add("name: " + spec.name());
        lines.add("provider: " + spec.provider());
        LabSpec.Network n = spec.network();
        lines.add("network: cidr=" + n.cidr() + " subnetLen=" + n.subnetLen() + " backend=" + n.backend() + " vni=" + n.vni()
                + " port=" + n.port() + " directRouting=" + n.directRouting());
        LabSpec.Underlay u = spec.underlay();
        lines.add("underlay: cidr=" + u.cidr() + " hostIp=" + u.hostIp() + " nat=" + u.nat());
        LabSpec.Etcd e = spec.etcd();
        lines.add("etcd: mode=" + e.mode() + " image=" + e.image() + " prefix=" + e.prefix() + " on=" + (e.on().isEmpty() ? "null" : String.join(",", e.on()))
                + (e.members() == 1 ? "" : " members=" + e.members()));
        lines.add("etcd.endpoints: " + e.endpoints());
        lines.add("etcd.tls: caFile=" + e.caFile() + " certFile=" + e.certFile() + " keyFile=" + e.keyFile());
        lines.add("agent: options=[" + spec.agent().options() + "] leaseTtl=" + GoDuration.format(spec.agent().leaseTtl()));
        lines.add("firewall: " + spec.firewall());
        LabSpec.Vagrant v = spec.vagrant();
        lines.add("vagrant: provider=" + v.provider() + " box=" + v.box() + " memory=" + v.memory() + " cpus=" + v.cpus() + " image=" + v.image());
        lines.add("source: " + spec.source());
        for (LabSpec.Node node : spec.nodes()) {
            LabSpec.Ssh ssh = node.ssh();
            lines.add("node: " + node.name() + " " + node.ip() + (ssh == null ? ""
                    : " ssh=" + ssh.user() + "@" + ssh.host() + ":" + ssh.port() + " identityFile=" + ssh.identityFile()
                    + " knownHosts=" + ssh.knownHosts()));
        }
        return lines;
    }
}
