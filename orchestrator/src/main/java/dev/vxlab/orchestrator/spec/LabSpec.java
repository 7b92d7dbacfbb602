package dev.vxlab.orchestrator.spec;

import dev.vxlab.agent.net.Ip4;
import dev.vxlab.agent.net.Ip4Net;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A lab, resolved from its YAML spec (labs/*.yaml) and checked: every value has its type and has passed its
 * rules. Built only by {@link SpecLoader}; see labs/quickstart.yaml for the shape of the file.
 */
public record LabSpec(String name, Provider provider, Network network, Underlay underlay, Etcd etcd, Agent agent,
                      Firewall firewall, List<Node> nodes, Path source) {

    public enum Provider { NETNS, VAGRANT, SSH }

    public enum Firewall { FIREWALLD, IPTABLES, NONE }

    public enum EtcdMode { AUTO, CONTAINER, PROCESS, EXTERNAL }

    /** The overlay: flannel's network config, written to {@code <prefix>/config}. */
    public record Network(Ip4Net cidr, int subnetLen, String backend, int vni, int port, boolean directRouting) {
    }

    /** The host-only network the nodes share (their eth1), the root namespace's address on it, and the Vagrant-style NAT eth0. */
    public record Underlay(Ip4Net cidr, Ip4 hostIp, boolean nat) {
    }

    /** Where etcd runs; {@code endpoints} and the TLS files only for {@code external}. */
    public record Etcd(EtcdMode mode, String image, String prefix, List<URI> endpoints, Path caFile, Path certFile, Path keyFile) {
    }

    /** FLANNEL_OPTIONS for /etc/sysconfig/flanneld, and the lease TTL. */
    public record Agent(String options, Duration leaseTtl) {
    }

    public record Node(String name, Ip4 ip) {
    }
}
