package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.List;

/** VX015: the kernel counted UDP packets with bad checksums (flannel issues #1279 and #2152: VXLAN checksum offload). */
public final class UdpChecksumErrors extends NodeRule {
    public UdpChecksumErrors() {
        super("VX015", "UDP packets arrive with bad checksums (VXLAN checksum offload, flannel #1279/#2152)");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        if (n.udpInCsumErrors() <= 0) {
            return;
        }
        out.add(new Finding(id(), Severity.WARNING, List.of(n.node()), n.node() + " dropped " + n.udpInCsumErrors()
                + " UDP packets with bad checksums", List.of(new Evidence(n.node(), NodeFacts.COMMANDS.get("snmp"),
                n.linesWith("snmp", "Udp: "))),
                "Some NICs and hypervisors fill in (or mangle) the outer UDP checksum of VXLAN packets wrongly when the kernel"
                        + " offloads it; the receiving kernel drops them and counts them under InCsumErrors. The overlay then loses"
                        + " packets, or all of them, while the underlay is fine (flannel issues #1279 and #2152).",
                "on the sending nodes: ethtool -K " + f.vxlanDevice() + " tx-checksum-ip-generic off (flannel's own"
                        + " workaround); watch InCsumErrors in /proc/net/snmp stop growing"));
    }
}
