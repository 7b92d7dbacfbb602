package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Rule;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX017: a node vxlab could not reach (over SSH) to read its facts; the others are still checked. */
public final class NodeUnreachable implements Rule {
    @Override
    public String id() {
        return "VX017";
    }

    @Override
    public String title() {
        return "a node cannot be reached over SSH";
    }

    @Override
    public List<Finding> check(LabFacts f) {
        List<Finding> out = new ArrayList<>();
        if (!f.live()) {
            return out;
        }
        for (NodeFacts n : f.nodes().values()) {
            if (!n.reachable()) {
                out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), n.node() + " cannot be reached: " + n.unreachable(),
                        List.of(Evidence.of("vxlab", "ssh " + n.node(), n.unreachable())),
                        "Nothing on this node could be checked. A node that is down, or whose SSH does not answer, also carries"
                                + " no traffic for its containers.",
                        "vxlab status " + f.spec().name() + " (is the node up?); vxlab ssh " + f.spec().name() + " " + n.node()));
            }
        }
        return out;
    }
}
