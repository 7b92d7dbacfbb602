package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What doctor found in a lab (or, not live, in a spec), as text for a student and as JSON for a script. */
public record Report(String lab, boolean live, List<String> nodes, List<Finding> findings) {

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        String what = live ? "lab " + lab + " (" + String.join(", ", nodes) + ")" : "spec of lab " + lab + " (not up: static checks only)";
        if (findings.isEmpty()) {
            return sb.append("doctor: ").append(what).append(": no problem found\n").toString();
        }
        long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        sb.append("doctor: ").append(what).append(": ").append(errors).append(" error(s), ")
                .append(findings.size() - errors).append(" other finding(s)\n");
        for (Finding f : findings) {
            sb.append('\n').append(f.rule()).append(' ').append(f.severity()).append(": ").append(f.summary()).append('\n');
            for (Evidence e : f.evidence()) {
                sb.append("  evidence (").append(e.where()).append(", ").append(e.command()).append("):\n");
                for (String l : e.lines()) {
                    sb.append("    ").append(l).append('\n');
                }
            }
            sb.append("  why: ").append(f.explanation()).append('\n');
            sb.append("  fix: ").append(f.fix()).append('\n');
        }
        return sb.toString();
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", lab);
        m.put("live", live);
        m.put("nodes", nodes);
        m.put("healthy", !hasErrors());
        List<Object> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rule", f.rule());
            o.put("severity", f.severity().name().toLowerCase());
            o.put("nodes", f.nodes());
            o.put("summary", f.summary());
            List<Object> ev = new ArrayList<>();
            for (Evidence e : f.evidence()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("where", e.where());
                x.put("command", e.command());
                x.put("lines", e.lines());
                ev.add(x);
            }
            o.put("evidence", ev);
            o.put("explanation", f.explanation());
            o.put("fix", f.fix());
            list.add(o);
        }
        m.put("findings", list);
        return Json.write(m);
    }
}
