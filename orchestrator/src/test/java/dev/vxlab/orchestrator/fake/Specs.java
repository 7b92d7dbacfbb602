package dev.vxlab.orchestrator.fake;

import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lab spec files for the unit tests: three nodes kube1..3 on 192.168.90.0/24, written to a directory and loaded
 * (with provider ssh, an empty key and known_hosts file beside them).
 */
public final class Specs {
    private Specs() {
    }

    /** The spec's YAML; {@code extra}: more top-level lines ("etcd: {...}"), which replace the defaults they name. */
    public static String yaml(Path dir, String name, String provider, String... extra) {
        StringBuilder y = new StringBuilder();
        y.append("name: ").append(name).append('\n');
        y.append("provider: ").append(provider).append('\n');
        y.append("network: {cidr: 10.244.0.0/16, subnetLen: 24, backend: vxlan, vni: 1, port: 8472, directRouting: false}\n");
        y.append("underlay: {cidr: 192.168.90.0/24, hostIp: 192.168.90.1, nat: true}\n");
        String etcd = "etcd: {mode: process, prefix: /coreos.com/network}";
        String firewall = "firewall: none";
        String ssh = provider.equals("ssh") ? "ssh: {user: root, identityFile: " + dir.resolve("id") + ", knownHosts: " + dir.resolve("known_hosts") + "}" : null;
        for (String e : extra) {
            if (e.startsWith("etcd:")) {
                etcd = e;
            } else if (e.startsWith("firewall:")) {
                firewall = e;
            } else {
                y.append(e).append('\n');
            }
        }
        y.append(etcd).append('\n').append(firewall).append('\n');
        if (ssh != null) {
            y.append(ssh).append('\n');
        }
        y.append("agent: {options: \"--iface=eth1\", leaseTtl: 24h}\n");
        y.append("nodes:\n");
        for (int i = 1; i <= 3; i++) {
            y.append("  - {name: kube").append(i).append(", ip: 192.168.90.1").append(i).append("}\n");
        }
        return y.toString();
    }

    public static Path write(Path dir, String name, String provider, String... extra) {
        try {
            Path f = dir.resolve(name + ".yaml");
            if (provider.equals("ssh")) {
                for (String file : new String[] {"id", "known_hosts"}) {
                    if (!Files.exists(dir.resolve(file))) {
                        Files.createFile(dir.resolve(file));
                    }
                }
            }
            Files.writeString(f, yaml(dir, name, provider, extra), StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LabSpec load(Path dir, String name, String provider, String... extra) {
        return SpecLoader.load(write(dir, name, provider, extra));
    }
}
