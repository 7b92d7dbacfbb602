package dev.vxlab.agent.it;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A sealed Vagrant-shaped lab in network namespaces, for tests run as root. Every namespace is named with
 * a prefix unique to this lab ("vxt" + 4 hex + "-"), and nothing is created in the root namespace:
 * <ul>
 *   <li>{@code <p>sw}: the host-only switch, a bridge br0 with 192.168.56.1/24 (etcd listens there);</li>
 *   <li>{@code <p>stub}: where every node's eth0 leads: unaddressed veth ends, nothing beyond;</li>
 *   <li>{@code <p>n1..nN}: a node each, eth1 = 192.168.56.1N/24 on the switch, eth0 = 10.0.2.15/24 with the
 *       default route, exactly as every Vagrant VM's NAT interface.</li>
 * </ul>
 * {@link #close()} deletes the namespaces it created, by name; their veths go with them.
 */
final class NetnsLab implements AutoCloseable {
    final String prefix;
    final String net; // the underlay's first three octets
    private final List<String> created = new ArrayList<>();
    final int nodes;

    NetnsLab(int nodes) {
        this(nodes, "vxt", "192.168.56");
    }

    /** A lab whose namespaces are named {@code <tag><4 hex>-…} on underlay {@code <net>.0/24} (the switch is .1, node i .1i). */
    NetnsLab(int nodes, String tag, String net) {
        this.nodes = nodes;
        this.prefix = tag + UUID.randomUUID().toString().substring(0, 4) + "-";
        this.net = net;
        try {
            ns(sw());
            ns(stub());
            Cmd.must("ip", "-n", sw(), "link", "add", "br0", "type", "bridge");
            Cmd.must("ip", "-n", sw(), "addr", "add", switchIp() + "/24", "dev", "br0");
            Cmd.must("ip", "-n", sw(), "link", "set", "br0", "up");
            for (int i = 1; i <= nodes; i++) {
                String n = node(i);
                ns(n);
                Cmd.must("ip", "link", "add", "eth1", "netns", n, "type", "veth", "peer", "name", "p" + i, "netns", sw());
                Cmd.must("ip", "-n", sw(), "link", "set", "p" + i, "master", "br0", "up");
                Cmd.must("ip", "-n", n, "addr", "add", ip(i) + "/24", "dev", "eth1");
                Cmd.must("ip", "-n", n, "link", "set", "eth1", "up");
                Cmd.must("ip", "link", "add", "eth0", "netns", n, "type", "veth", "peer", "name", "s" + i, "netns", stub());
                Cmd.must("ip", "-n", stub(), "link", "set", "s" + i, "up");
                Cmd.must("ip", "-n", n, "addr", "add", "10.0.2.15/24", "dev", "eth0");
                Cmd.must("ip", "-n", n, "link", "set", "eth0", "up");
                Cmd.must("ip", "-n", n, "route", "add", "default", "via", "10.0.2.2", "dev", "eth0");
                Cmd.must("ip", "netns", "exec", n, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void ns(String name) {
        Cmd.must("ip", "netns", "add", name);
        created.add(name);
        Cmd.must("ip", "-n", name, "link", "set", "lo", "up");
    }

    String sw() {
        return prefix + "sw";
    }

    String stub() {
        return prefix + "stub";
    }

    String node(int i) {
        return prefix + "n" + i;
    }

    /** Node i's eth1 address in a lab on the default underlay. */
    static String nodeIp(int i) {
        return "192.168.56." + (10 + i);
    }

    /** Node i's eth1 address in this lab. */
    String ip(int i) {
        return net + "." + (10 + i);
    }

    /** The switch's address, where etcd listens. */
    String switchIp() {
        return net + ".1";
    }

    String container(int i) {
        return prefix + "c" + i;
    }

    /**
     * A "container" on node i, as Docker started with --bip/--mtu from the node's subnet.env would make it:
     * bridge docker0 = FLANNEL_SUBNET with FLANNEL_MTU in the node, and namespace {@code <p>c<i>} with eth0 =
     * the subnet's .2 and a default route via .1. Returns the container's address.
     */
    String addContainer(int i, String flannelSubnet, int mtu) {
        String n = node(i);
        String c = container(i);
        String base = flannelSubnet.substring(0, flannelSubnet.lastIndexOf('.'));
        String len = flannelSubnet.substring(flannelSubnet.indexOf('/') + 1);
        Cmd.run(List.of("ip", "-n", n, "link", "del", "docker0"));
        // the old pair first, by its node end: `ip netns del` only unmounts, the kernel tears the namespace (and the
        // veth in it, with its peer veth0) down later, and the new pair's veth0 would then meet the old one
        Cmd.run(List.of("ip", "-n", n, "link", "del", "veth0"));
        if (created.contains(c)) {
            Cmd.run(List.of("ip", "netns", "del", c));
            created.remove(c);
        }
        Cmd.must("ip", "-n", n, "link", "add", "docker0", "type", "bridge");
        Cmd.must("ip", "-n", n, "addr", "add", flannelSubnet, "dev", "docker0");
        Cmd.must("ip", "-n", n, "link", "set", "docker0", "mtu", String.valueOf(mtu), "up");
        ns(c);
        Cmd.must("ip", "link", "add", "eth0", "netns", c, "mtu", String.valueOf(mtu), "type", "veth", "peer", "name", "veth0",
                "netns", n, "mtu", String.valueOf(mtu));
        Cmd.must("ip", "-n", n, "link", "set", "veth0", "master", "docker0", "up");
        Cmd.must("ip", "-n", c, "addr", "add", base + ".2/" + len, "dev", "eth0");
        Cmd.must("ip", "-n", c, "link", "set", "eth0", "up");
        Cmd.must("ip", "-n", c, "route", "add", "default", "via", base + ".1");
        return base + ".2";
    }

    /** Pings {@code ip} from inside container i (a lab address; nothing leaves the lab). */
    Cmd.Result ping(int fromContainer, String ip) {
        return Cmd.run(List.of("ip", "netns", "exec", container(fromContainer), "ping", "-c", "2", "-i", "0.2", "-W", "2", ip));
    }

    /** A command inside node i's namespace. */
    Cmd.Result inNode(int i, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", node(i)));
        all.addAll(List.of(cmd));
        return Cmd.run(all);
    }

    /** etcdctl (v3 API) run inside the switch namespace against the lab's etcd. */
    Cmd.Result etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", sw(), "env", "ETCDCTL_API=3", "etcdctl",
                "--endpoints=http://" + switchIp() + ":2379", "--dial-timeout=2s"));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd);
    }

    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            Cmd.run(List.of("ip", "netns", "del", created.get(i)));
        }
        created.clear();
    }
}
