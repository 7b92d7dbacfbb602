package dev.vxlab.orchestrator.doctor.rules;

import dev.vxlab.orchestrator.doctor.Evidence;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import java.util.ArrayList;
import java.util.List;

/** VX002: the agent is not running on a node; its last error lines say why it exited. */
public final class AgentDown extends NodeRule {
    public AgentDown() {
        super("VX002", "the agent (vxlabd) is not running, or exited; its last error line");
    }

    @Override
    void check(LabFacts f, NodeFacts n, List<Finding> out) {
        if (n.agentRunning()) {
            return;
        }
        List<String> errors = n.lastRunLog().stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList();
        List<String> last = errors.subList(Math.max(0, errors.size() - 3), errors.size());
        List<Evidence> ev = new ArrayList<>(List.of(Evidence.of(n.node(), NodeFacts.COMMANDS.get("agent"), n.agent())));
        if (!last.isEmpty()) {
            ev.add(new Evidence(n.node(), NodeFacts.COMMANDS.get("log"), last));
        }
        out.add(new Finding(id(), Severity.ERROR, List.of(n.node()), "vxlabd is not running on " + n.node()
                + (last.isEmpty() ? "" : ": it exited after \"" + brief(last.get(0)) + "\""), ev,
                "Without its agent a node holds no lease once the old one expires, gets no routes to subnets that"
                        + " appear later, and repairs nothing; the routes already in its kernel stay until then. An agent that"
                        + " refuses to start says why in its log, with a hint.",
                "fix what the last error line names, then start the agent: " + Rules.RESTART_AGENT));
    }

    /** The message of a log line, without its timestamp and logger. */
    static String brief(String line) {
        int dash = line.indexOf(" - ");
        String m = dash >= 0 ? line.substring(dash + 3) : line;
        return m.length() > 160 ? m.substring(0, 157) + "..." : m;
    }
}
