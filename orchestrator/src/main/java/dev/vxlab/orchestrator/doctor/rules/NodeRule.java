package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule that looks at each reachable node of a live lab on its own: the walk over the nodes, and the skips
 * several rules share (no leases to compare with when etcd could not be read; a node that never joined the
 * overlay is not expected to hold routes or a device) are here, once.
 */
abstract class NodeRule implements Rule {
    private final String id;
    private final String title;

    NodeRule(String id, String title) {
        this.id = id;
        this.title = title;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String title() {
        return title;
    }

    /** Whether the rule compares with etcd's leases (and so says nothing when they could not be read). */
    boolean needsLeases() {
        return false;
    }

    /** Whether only nodes that joined the overlay ({@link LabFacts#joined}) are checked. */
    boolean joinedOnly() {
        return false;
    }

    /** Whether the rule applies to this lab at all (say, only to the vxlan backend). */
    boolean appliesTo(LabFacts f) {
        return true;
    }

    @Override
    public final List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        if (!f.live() || !appliesTo(f) || (needsLeases() && (f.etcd() == null || !f.etcd().readable()))) {
            return out;
        }
        for (NodeFacts n : f.reachableNodes()) {
            if (!joinedOnly() || f.joined(n.node())) {
                check(f, n, out);
            }
        }
        return out;
    }

    /** Adds what is wrong on node {@code n} to {@code out}. */
    abstract void check(LabFacts f, NodeFacts n, List<Finding> out);
}
