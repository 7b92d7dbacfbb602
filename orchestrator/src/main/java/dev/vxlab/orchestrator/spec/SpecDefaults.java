package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.time.Duration;

/**
 * The values a spec may leave out, and the fixed limits its rules use. They are the values of
 * labs/quickstart.yaml and flannel's own defaults, except {@link #FIREWALL}: a lab touches no firewall unless
 * the spec names one ({@code firewalld} or {@code iptables}), because fresh network namespaces have empty,
 * accepting tables and a firewall is a lesson of its own.
 */
public final class SpecDefaults {
    public static final LabSpec.Provider PROVIDER = LabSpec.Provider.NETNS;

    public static final Ip4Net NETWORK_CIDR = Ip4Net.parse("10.244.0.0/16");
    public static final String BACKEND = "vxlan";
    public static final int VNI = 1;
    public static final int PORT = 8472;
    public static final boolean DIRECT_ROUTING = false;

    public static final Ip4Net UNDERLAY_CIDR = Ip4Net.parse("192.168.56.0/24");
    public static final boolean NAT = true;
    /** The network every Vagrant-style NAT eth0 sits on (its address is 10.0.2.15 on every node). */
    public static final Ip4Net NAT_NETWORK = Ip4Net.parse("10.0.2.0/24");

    public static final LabSpec.EtcdMode ETCD_MODE = LabSpec.EtcdMode.AUTO;
    public static final String ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.17";
    /** The image scripts/build-etcd-image.sh builds from this machine's etcd binary, for a machine that cannot pull. */
    public static final String LOCAL_ETCD_IMAGE = "vxlab/etcd:local";
    public static final String ETCD_PREFIX = "/coreos.com/network";

    /** eth1 is the underlay; without --iface flannel picks the NAT eth0 (10.0.2.15 on every node). */
    public static final String AGENT_OPTIONS = "--iface=eth1";
    public static final Duration LEASE_TTL = Duration.ofHours(24);
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(5);

    public static final LabSpec.Firewall FIREWALL = LabSpec.Firewall.NONE;

    /** A current Debian box for VirtualBox and libvirt; the docker provider uses the image scripts/build-node-image.sh builds. */
    public static final String VAGRANT_BOX = "debian/bookworm64";
    public static final int VAGRANT_MEMORY = 1024;
    public static final int VAGRANT_CPUS = 1;
    public static final String NODE_IMAGE = "vxlab/node:bookworm";

    public static final String SSH_USER = "root";
    public static final int SSH_PORT = 22;

    public static final int MIN_NODES = 1;
    public static final int MAX_NODES = 64;

    private SpecDefaults() {
    }

    /** flannel's default SubnetLen: 24 for a /22 or wider network, else the prefix + 2. */
    public static int subnetLen(Ip4Net network) {
        return network.prefixLen() <= 22 ? 24 : network.prefixLen() + 2;
    }

    /** The host's address on the underlay when the spec gives none: the first address of underlay.cidr. */
    public static Ip4 hostIp(Ip4Net underlay) {
        return underlay.network().plus(1);
    }
}
