package dev.vxlab.orchestrator.core;

import java.util.List;
import java.util.Map;

/**
 * The ping matrix of a lab: its nodes in order, each node's test container address, the RTT in ms of every
 * ordered pair ({@code rtt[from][to]}, null: no answer), and the failed pairs ("kube1 -> kube2").
 */
public record Verification(String lab, List<String> nodes, Map<String, String> containers, Double[][] rtt, List<String> failed) {

    public boolean ok() {
        return failed.isEmpty();
    }

    /** How many ordered pairs the matrix holds. */
    public int pairs() {
        return nodes.size() * (nodes.size() - 1);
    }
}
