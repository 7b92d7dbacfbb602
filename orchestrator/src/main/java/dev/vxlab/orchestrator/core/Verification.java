package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.verify.PingMatrix;
import java.util.List;
import java.util.Map;

/**
 * The ping matrix of a lab: its nodes in order, each node's test container address, the RTT in ms of every
 * ordered pair ({@code rtt[from][to]}, null: no answer), and the failed pairs ("kube1 -> kube2").
 */
public record Verification(String lab, List<String> nodes, Map<String, String> containers, Double[][] rtt, List<String> failed,
                           List<PingMatrix.MtuCheck> mtu) {

    public Verification(String lab, List<String> nodes, Map<String, String> containers, Double[][] rtt, List<String> failed) {
        this(lab, nodes, containers, rtt, failed, List.of());
    }

    /** Every pair pings, and with {@code --mtu} every pair's don't-fragment checks passed. */
    public boolean ok() {
        return failed.isEmpty() && mtuFailed().isEmpty();
    }

    /** The MTU checks that failed ("kube1 -> kube2: ..."). */
    public List<String> mtuFailed() {
        return mtu.stream().filter(c -> !c.ok()).map(c -> c.from() + " -> " + c.to() + ": " + c.problem()).toList();
    }

    /** How many ordered pairs the matrix holds. */
    public int pairs() {
        return nodes.size() * (nodes.size() - 1);
    }
}
