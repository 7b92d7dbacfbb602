package dev.vxlab.orchestrator.doctor;

import java.util.List;

/**
 * One thing wrong in a lab: the rule that found it, how bad it is, the nodes it concerns, a one-line summary,
 * the evidence, an explanation a student learns from, and the fix (the exact flag, file line or command).
 */
public record Finding(String rule, Severity severity, List<String> nodes, String summary, List<Evidence> evidence,
                      String explanation, String fix) {
}
