package dev.vxlab.orchestrator.doctor;

import dev.vxlab.orchestrator.doctor.rules.Rules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rule engine: every registered rule over one set of facts, findings ordered by severity then rule ID.
 * Pure: gathering the facts ({@link FactsGatherer}) is the caller's business, so every rule is tested on
 * recorded facts without a lab.
 */
public final class Doctor {
    private final List<Rule> rules;

    public Doctor() {
        this(Rules.ALL);
    }

    public Doctor(List<Rule> rules) {
        this.rules = rules;
    }

    public Report examine(LabFacts facts, String onlyNode) {
        List<Finding> out = new ArrayList<>();
        for (Rule r : rules) {
            if (!facts.live() && !r.isStatic()) {
                continue;
            }
            for (Finding f : r.check(facts)) {
                if (onlyNode == null || f.nodes().isEmpty() || f.nodes().contains(onlyNode)) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::rule));
        List<String> nodes = facts.live() ? List.copyOf(facts.nodes().keySet()) : facts.spec().nodes().stream().map(n -> n.name()).toList();
        return new Report(facts.spec().name(), facts.live(), onlyNode == null ? nodes : List.of(onlyNode), List.copyOf(out));
    }
}
