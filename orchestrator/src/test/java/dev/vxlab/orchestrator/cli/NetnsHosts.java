package dev.vxlab.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.LocalHost;
import dev.vxlab.orchestrator.provider.netns.NetnsProvider;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Existing hosts for the {@code provider: ssh} ITs, made beforehand with the netns machinery ({@link NetnsProvider}
 * on a lab of the test's own): namespaces, each with its own sshd in a private mount and UTS namespace (overlays over
 * /etc, /var and /opt), the lab's client key and known_hosts. The ssh lab under test knows them only by address,
 * key and known_hosts. The test's state directory is set as vxlab's ({@code vxlab.state.home}) while they exist.
 * They are inspected from here ({@code ip netns exec}) and over SSH as root (their mount view).
 */
final class NetnsHosts {
    static final Host HOST = new LocalHost();

    final String lab;
    final Map<String, String> ips;
    final Path home;
    final LabSpec spec;
    final LabState state;
    final NetnsProvider provider;
    private final StateHome stateHome;

    private NetnsHosts(String lab, Map<String, String> ips, StateHome stateHome, LabSpec spec, LabState state) {
        this.lab = lab;
        this.ips = ips;
        this.home = stateHome.dir();
        this.stateHome = stateHome;
        this.spec = spec;
        this.state = state;
        this.provider = new NetnsProvider(spec, state, HOST, s -> { }).asSeparateHosts();
    }

    /** The hosts {@code ips} (name → address) on {@code underlay} (a /24, host at .1), the overlay {@code network}. */
    static NetnsHosts make(String lab, String underlay, String network, Map<String, String> ips) {
        try {
            StateHome home = StateHome.create("vxlab-it-" + lab + "-");
            String prefix = underlay.substring(0, underlay.lastIndexOf('.'));
            StringBuilder y = new StringBuilder(String.join("\n",
                    "# the hosts: made with the netns machinery, unknown to the ssh lab",
                    "name: " + lab,
                    "provider: netns",
                    "network: {cidr: " + network + ", subnetLen: 24, backend: vxlan, vni: 1, port: 8472, directRouting: false}",
                    "underlay: {cidr: " + underlay + ", hostIp: " + prefix + ".1, nat: true}",
                    "etcd: {mode: process, prefix: /coreos.com/network}",
                    "agent: {options: \"--iface=eth1\", leaseTtl: 24h}",
                    "firewall: none",
                    "nodes:", ""));
            ips.forEach((n, ip) -> y.append("  - {name: ").append(n).append(", ip: ").append(ip).append("}\n"));
            Path file = home.dir().resolve("hosts.yaml");
            Files.writeString(file, y.toString(), StandardCharsets.UTF_8);
            NetnsHosts hosts = new NetnsHosts(lab, ips, home, SpecLoader.load(file), LabState.load(home.dir().resolve("hosts"), lab));
            assertEquals(List.of(), hosts.namespaces(), "namespaces of an earlier run are left: ip netns del them first");
            hosts.provider.preflight();
            hosts.provider.up(s -> { });
            return hosts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes down those of {@code labs} that are still up, then the hosts (every process in their namespaces), then their directory. */
    void remove(String... labs) {
        try {
            for (String l : labs) {
                if (Files.exists(Lab.dir(l))) {
                    LabUpIT.run("down", l);
                }
            }
        } finally {
            NetnsProvider.down(state, HOST, s -> { });
            stateHome.restore();
        }
        assertEquals(List.of(), namespaces(), "the hosts' namespaces are gone");
    }

    /** The namespaces of the hosts that exist now. */
    List<String> namespaces() {
        return Arrays.stream(HOST.run("ip", "netns", "list").out().split("\n"))
                .map(l -> l.split(" ")[0]).filter(n -> n.startsWith("vx-" + lab + "-")).toList();
    }

    String ns(String node) {
        return provider.names().nodeNs(node);
    }

    LabSpec.Node node(String name) {
        return spec.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    /** Runs {@code script} as root on a host, over its own sshd (the host's mount view). */
    RemoteShell.Result onHost(String node, String script) {
        try (RemoteShell sh = provider.connect(node(node))) {
            return sh.exec(script);
        }
    }

    String inNs(String node, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        c.addAll(List.of(cmd));
        Host.Result r = HOST.run(c);
        assertTrue(r.ok(), c + ": " + r.out());
        return r.out();
    }

    /** What vxlab may add to a host's network namespace: its links, addresses, routes and iptables rules. */
    String netState(String node) {
        List<String> links = Arrays.stream(inNs(node, "ip", "-br", "link").split("\n")).map(l -> l.split("[ @]")[0]).sorted().toList();
        return "links " + links + "\n" + inNs(node, "ip", "-br", "-4", "addr") + inNs(node, "ip", "route")
                + inNs(node, "iptables", "-S") + inNs(node, "iptables", "-t", "nat", "-S");
    }

    Map<String, String> netStates() {
        Map<String, String> m = new LinkedHashMap<>();
        ips.keySet().forEach(n -> m.put(n, netState(n)));
        return m;
    }

    /** The processes in a host's network namespace now. */
    Set<String> pids(String node) {
        Set<String> s = new HashSet<>(Arrays.asList(HOST.run("ip", "netns", "pids", ns(node)).out().trim().split("\\s+")));
        s.remove("");
        return s;
    }

    /** The processes in a host's network namespace once those of closed SSH sessions have ended (5 s at most). */
    Set<String> settledPids(String node, Set<String> expected) throws InterruptedException {
        Set<String> now = pids(node);
        for (int i = 0; i < 50 && !now.equals(expected); i++) {
            Thread.sleep(100);
            now = pids(node);
        }
        return now;
    }

    /** The PID of a host's sshd, as its lab recorded it. */
    String sshd(String node) {
        return String.valueOf(state.pids().get("sshd/" + node));
    }
}
