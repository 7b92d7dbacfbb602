package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Machines that share a hostname, refused before anything is installed on them: cloned VMs, cloud images and
 * boxes without a hostname of their own are all called the same, and whatever names nodes by hostname (the
 * agent's lease, {@code vxlab status}, kubectl) cannot tell them apart. Hostnames compare without case, as DNS
 * does. One {@code hostname} per node, on the sessions {@code up} has already opened.
 */
final class Hostnames {
    private Hostnames() {
    }

    static void refuseCollisions(LabSpec spec, Sessions shells) {
        Map<String, String> names = new ConcurrentHashMap<>();
        LabUp.forEachNode(spec, node -> {
            RemoteShell.Result r = shells.get(node.name()).exec("cat /proc/sys/kernel/hostname 2>/dev/null || hostname");
            if (r.ok() && !r.stdout().isBlank()) {
                names.put(node.name(), r.stdout().strip());
            }
        });
        Map<String, String> ordered = new LinkedHashMap<>();
        spec.nodes().forEach(n -> {
            if (names.containsKey(n.name())) {
                ordered.put(n.name(), names.get(n.name()));
            }
        });
        List<String> clashes = collisions(ordered);
        if (!clashes.isEmpty()) {
            throw new VxlabException("machines share a hostname: " + String.join("; ", clashes) + ". Whatever names nodes by hostname"
                    + " (the agents' leases, vxlab status, kubectl) cannot tell them apart; nothing was installed",
                    "give each machine its own hostname (hostnamectl set-hostname <node name>, or config.vm.hostname in a"
                            + " Vagrantfile), then `vxlab up " + spec.source() + "` again");
        }
    }

    /** "kube1 and kube2 are both called vm", for every hostname more than one node has; pure. */
    static List<String> collisions(Map<String, String> hostnameByNode) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        hostnameByNode.forEach((node, host) -> byName.computeIfAbsent(host.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(node));
        List<String> out = new ArrayList<>();
        byName.forEach((host, nodes) -> {
            if (nodes.size() > 1) {
                out.add(String.join(" and ", nodes) + " are all called " + hostnameByNode.get(nodes.get(0)));
            }
        });
        return out;
    }
}
