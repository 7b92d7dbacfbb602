package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A lab, resolved from its YAML spec (labs/*.yaml) and checked: every value has its type and has passed its
 * rules. Built only by {@link SpecLoader}; see labs/quickstart.yaml for the shape of the file.
 */
public record LabSpec(String name, Provider provider, Network network, Underlay underlay, Etcd etcd, Agent agent,
                      Firewall firewall, Vagrant vagrant, List<Node> nodes, Path source) {

    // The choices a spec may write, each enum the one list of its words (see Choice).

    public enum Provider implements Choice { NETNS, VAGRANT, SSH }

    public enum Firewall implements Choice { FIREWALLD, IPTABLES, NONE }

    public enum EtcdMode implements Choice { AUTO, CONTAINER, PROCESS, EXTERNAL }

    /** flannel's backend types, as network.backend (and flannel's BackendType) writes them: vxlan, host-gw. */
    public enum Backend implements Choice { VXLAN, HOST_GW }

    /** The Vagrant providers vagrant.provider may name. */
    public enum VagrantProvider implements Choice { DOCKER, VIRTUALBOX, LIBVIRT }

    /** The overlay: flannel's network config, written to {@code <prefix>/config}; {@code backend} is a {@link Backend}'s word. */
    public record Network(Ip4Net cidr, int subnetLen, String backend, int vni, int port, boolean directRouting) {
        public Backend backendType() {
            return Choice.of(Backend.class, backend).orElseThrow(() -> new IllegalStateException("no backend " + backend));
        }
    }

    /** The host-only network the nodes share (their eth1), the root namespace's address on it, and the Vagrant-style NAT eth0. */
    public record Underlay(Ip4Net cidr, Ip4 hostIp, boolean nat) {
    }

    /**
     * Where etcd runs. {@code on}: the nodes that run etcd's members (empty: this machine, or external);
     * {@code members}: how many members vxlab starts (the size of {@code on} when it is given; 1, 3 or 5);
     * {@code endpoints} and the TLS files only for {@code external}; {@code tls}: {@code etcd.tls} as written (null:
     * not written, and the provider decides: see {@link EtcdTls#on}).
     */
    public record Etcd(EtcdMode mode, String image, String prefix, List<String> on, int members, List<URI> endpoints, Path caFile,
                       Path certFile, Path keyFile, Boolean tls) {
        public Etcd {
            on = List.copyOf(on);
        }

        public Etcd(EtcdMode mode, String image, String prefix, List<String> on, int members, List<URI> endpoints, Path caFile,
                    Path certFile, Path keyFile) {
            this(mode, image, prefix, on, members, endpoints, caFile, certFile, keyFile, null);
        }

        /** The first node that runs etcd, or null when etcd runs on this machine or outside the lab. */
        public String firstOn() {
            return on.isEmpty() ? null : on.get(0);
        }

        public boolean runsOn(String node) {
            return on.contains(node);
        }
    }

    /**
     * What the top-level Vagrantfile builds for this lab ({@code vagrant:}); {@code provider} is the Vagrant
     * provider vxlab passes to {@code vagrant up} (null: Vagrant's own default).
     */
    public record Vagrant(String provider, String box, int memory, int cpus, String image) {
    }

    /** FLANNEL_OPTIONS for /etc/sysconfig/flanneld, and the lease TTL. */
    public record Agent(String options, Duration leaseTtl) {
    }

    /** A lab node; {@code ssh} only for provider ssh (null otherwise). */
    public record Node(String name, Ip4 ip, Ssh ssh) {
        public Node(String name, Ip4 ip) {
            this(name, ip, null);
        }
    }

    /**
     * How the ssh provider reaches a node: address, port, user (sudo is used when it is not root), private key,
     * and the known_hosts file that must already hold the node's host key.
     */
    public record Ssh(String host, int port, String user, Path identityFile, Path knownHosts) {
    }
}
