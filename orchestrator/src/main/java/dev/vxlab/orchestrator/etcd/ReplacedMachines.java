package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The leases of machines that were replaced: a lease that names one of the lab's nodes but carries another node
 * ID than the machine that now has that name (or the machine has none yet: it was just made). vxlab refuses two
 * machines with one hostname in a lab, so such a lease can only be the previous machine's (vagrant destroy and
 * up, a re-imaged host); its agent, which kept the node ID on the old disk, is gone. Left in place it would make
 * the new machine's agent refuse its own name and address until the lease expires (a day by default). Pure.
 */
public final class ReplacedMachines {
    private ReplacedMachines() {
    }

    /** The keys, among {@code leases} (key → value, as etcd holds them under {@code prefix}), to release. */
    public static List<String> keys(String prefix, Map<String, String> leases, Map<String, String> nodeIdByNode) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : leases.entrySet()) {
            if (SubnetKey.parse(prefix, e.getKey()).isEmpty()) {
                continue;
            }
            LeaseAttrs attrs;
            try {
                attrs = LeaseAttrs.fromJson(e.getValue());
            } catch (IllegalArgumentException notALease) {
                continue;
            }
            LeaseAttrs.NodeIdentity who = attrs.node();
            if (who != null && who.id() != null && nodeIdByNode.containsKey(who.name()) && !who.id().equals(nodeIdByNode.get(who.name()))) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
