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
    final String prefix = "vxt" + UUID.randomUUID().toString().substring(0, 4) + "-";
    private final List<String> created = new ArrayList<>();
    final int nodes;

    NetnsLab(int nodes) {
        this.nodes = nodes;
        try {
            ns(sw());
            ns(stub());
            Cmd.must("ip", "-n", sw(), "link", "add", "br0", "type", "bridge");
            Cmd.must("ip", "-n", sw(), "addr", "add", "192.168.56.1/24", "dev", "br0");
            Cmd.must("ip", "-n", sw(), "link", "set", "br0", "up");
            for (int i = 1; i <= nodes; i++) {
                String n = node(i);
                ns(n);
                Cmd.must("ip", "link", "add", "eth1", "netns", n, "type", "veth", "peer", "name", "p" + i, "netns", sw());
                Cmd.must("ip", "-n", sw(), "link", "set", "p" + i, "master", "br0", "up");
                Cmd.must("ip", "-n", n, "addr", "add", nodeIp(i) + "/24", "dev", "eth1");
                Cmd.must("ip", "-n", n, "link", "set", "eth1", "up");
                Cmd.must("ip", "link", "add", "eth0", "netns", n, "type", "veth", "peer", "name", "s" + i, "netns", stub());
                Cmd.must("ip", "-n", stub(), "link", "set", "s" + i, "up");
                Cmd.must("ip", "-n", n, "addr", "add", "10.0.2.15/24", "dev", "eth0");
                Cmd.must("ip", "-n", n, "link", "set", "eth0", "up");
                Cmd.must("ip", "-n", n, "route", "add", "default", "via", "10.0.2.2", "dev", "eth0");
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

    static String nodeIp(int i) {
        return "192.168.56." + (10 + i);
    }

    /** etcdctl (v3 API) run inside the switch namespace against the lab's etcd. */
    Cmd.Result etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", sw(), "env", "ETCDCTL_API=3", "etcdctl",
                "--endpoints=http://192.168.56.1:2379", "--dial-timeout=2s"));
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
