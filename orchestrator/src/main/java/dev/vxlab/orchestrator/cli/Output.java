package dev.vxlab.orchestrator.cli;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.LabDown;
import dev.vxlab.orchestrator.core.LabExercise;
import dev.vxlab.orchestrator.core.LabStatus;
import dev.vxlab.orchestrator.core.Verification;
import dev.vxlab.orchestrator.doctor.Report;
import dev.vxlab.orchestrator.exercise.Fault;
import dev.vxlab.orchestrator.exercise.Faults;
import dev.vxlab.orchestrator.trace.TraceReport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the verbs print, in one place: the progress lines, the ping matrix, the status table, and the same
 * results as JSON with {@code --json} (one object on stdout, for scripts).
 */
final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    /** Progress lines on stdout; none with --json. */
    Progress progress() {
        return new Progress(out, json);
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** The one line an interrupted {@code up} leaves (on stderr): the lab is half made, and how to finish or remove it. */
    void interrupted(Path spec, String again) {
        err.println("vxlab: interrupted: the lab of " + spec + " is half made; `" + again + "` again finishes it, or `vxlab down " + spec
                + "` removes it");
        err.flush();
    }

    /**
     * A down that could not remove everything: on stderr, per node, where it was reached and why not, what is left
     * there and what to try; then where the state that still records it is. Returns the exit code.
     */
    int downIncomplete(LabDown.Result r) {
        for (LabDown.Left l : r.left()) {
            err.println("vxlab: lab " + r.lab() + " is down except on " + l.node() + " (" + l.where() + "): " + ErrorLine.plain(l.reason()));
            err.println("  left on " + l.node() + ": " + String.join("; ", l.what()));
            if (l.hint() != null) {
                err.println("  hint: " + l.hint());
            }
        }
        err.println("  the lab's state (" + r.state() + ") keeps just that; everything else of the lab is removed");
        err.flush();
        return Vxlab.FAILED;
    }

    /** The ping matrix as a table or JSON; the failed pairs on stderr. Returns the exit code. */
    int verification(Verification v, Progress p) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", v.lab());
            m.put("containers", new LinkedHashMap<>(v.containers()));
            List<Object> pairs = new ArrayList<>();
            for (int i = 0; i < v.nodes().size(); i++) {
                for (int j = 0; j < v.nodes().size(); j++) {
                    if (i != j) {
                        Map<String, Object> pair = new LinkedHashMap<>();
                        pair.put("from", v.nodes().get(i));
                        pair.put("to", v.nodes().get(j));
                        pair.put("ok", v.rtt()[i][j] != null);
                        pair.put("rttMs", v.rtt()[i][j] == null ? null : new BigDecimal(String.valueOf(v.rtt()[i][j])));
                        pairs.add(pair);
                    }
                }
            }
            m.put("pairs", pairs);
            m.put("failed", v.failed());
            if (!v.mtu().isEmpty()) {
                List<Object> mtu = new ArrayList<>();
                for (var c : v.mtu()) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("from", c.from());
                    x.put("to", c.to());
                    x.put("payload", (long) c.payload());
                    x.put("ok", c.ok());
                    x.put("problem", c.problem());
                    mtu.add(x);
                }
                m.put("mtu", mtu);
            }
            line(Json.write(m));
        } else {
            out.print(matrix(v));
            out.flush();
        }
        if (!v.failed().isEmpty()) {
            err.println("vxlab: ping failed for " + String.join(", ", v.failed()));
        }
        for (String f : v.mtuFailed()) {
            err.println("vxlab: MTU " + f);
        }
        if (!v.ok()) {
            err.flush();
            return Vxlab.FAILED;
        }
        p.line("all " + v.pairs() + " pairs ping" + (v.mtu().isEmpty() ? "" : "; " + v.mtu().get(0).payload()
                + "-byte don't-fragment pings cross and one byte more is refused in the container, on every pair"));
        return Vxlab.OK;
    }

    static String matrix(Verification v) {
        List<String> nodes = v.nodes();
        StringBuilder sb = new StringBuilder(String.format("%-12s", "from \\ to"));
        nodes.forEach(n -> sb.append(String.format("%12s", n)));
        sb.append('\n');
        for (int i = 0; i < nodes.size(); i++) {
            sb.append(String.format("%-12s", nodes.get(i)));
            for (int j = 0; j < nodes.size(); j++) {
                Double rtt = v.rtt()[i][j];
                sb.append(String.format("%12s", i == j ? "-" : rtt == null ? "FAIL" : String.format("%.2f ms", rtt)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** What doctor found: its text for a student, or its JSON. */
    void doctor(Report r) {
        textOrJson(r.text(), r.json());
    }

    /** One ping's path, hop by hop: its text, or its JSON. */
    void trace(TraceReport t) {
        textOrJson(t.text(), t.json());
    }

    /** A report that writes both forms itself: its JSON object on one line with --json, else its text as it is. */
    private void textOrJson(String text, String jsonText) {
        if (json) {
            line(jsonText);
        } else {
            out.print(text);
            out.flush();
        }
    }

    /** Every fault break knows, with the doctor rule that names it. */
    void faults() {
        if (json) {
            List<Object> l = new ArrayList<>();
            for (Fault f : Faults.ALL) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("fault", f.id());
                m.put("rule", f.rule());
                m.put("title", f.title());
                l.add(m);
            }
            line(Json.write(Map.of("faults", l)));
            return;
        }
        for (Fault f : Faults.ALL) {
            out.printf("%-14s %s  %s%n", f.id(), f.rule(), f.title());
        }
        out.flush();
    }

    void broken(LabExercise.Broken b) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", b.lab());
            m.put("fault", b.fault());
            m.put("node", b.node());
            line(Json.write(m));
            return;
        }
        line("broke lab " + b.lab() + ": " + b.fault() + (b.hidden() ? " on one of its nodes (hidden)" : " on " + b.node()) + " - " + b.title());
        line("find it: vxlab doctor " + b.lab() + "; mend it on the node (vxlab ssh " + b.lab() + " NODE); then: vxlab grade " + b.lab());
    }

    void reset(LabExercise.Broken b) {
        line("mended " + b.fault() + " on " + b.node() + " with its own fix; lab " + b.lab() + " has no exercise now");
    }

    void grade(LabExercise.Grade g) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", g.lab());
            m.put("fault", g.fault());
            m.put("node", g.node());
            m.put("passed", g.passed());
            m.put("reasons", g.reasons());
            m.put("seconds", g.seconds());
            line(Json.write(m));
            return;
        }
        if (g.passed()) {
            line("PASS: " + g.fault() + " on " + g.node() + " is mended (the ping matrix is green, doctor finds nothing on "
                    + g.node() + "), after " + g.seconds() + " s");
        } else {
            line("NOT YET: " + g.fault() + (g.reasons().isEmpty() ? "" : ":"));
            g.reasons().forEach(r -> line("  - " + r));
        }
    }

    /** A drawing: its text on stdout unless it went to a file; {@code note} (or null) on stderr. */
    void drawing(String text, boolean written, String note) {
        if (note != null) {
            err.println("vxlab: " + note);
            err.flush();
        }
        if (!written) {
            out.print(text);
            out.flush();
        }
    }

    /** The labs that are up. */
    void labs(List<String> names) {
        line(json ? Json.write(Map.of("labs", names)) : (names.isEmpty() ? "no labs are up" : String.join("\n", names)));
    }

    private static final String MEMBER_ROW = "%-18s %-13s %-27s %-11s %s%n";
    private static final String ROW = "%-10s %-15s %-15s %-6s %-16s %-18s %-25s %s%n";

    /** One lab's nodes, as a table or JSON. */
    void status(LabStatus.Status s) {
        if (json) {
            List<Object> rows = new ArrayList<>();
            for (LabStatus.Node n : s.nodes()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("node", n.node());
                row.put("ip", n.ip());
                row.put("publicIp", n.publicIp());
                row.put("interface", n.iface());
                row.put("subnet", n.subnet());
                row.put("vtepMac", n.vtepMac());
                row.put("leaseExpiry", n.leaseExpiry());
                row.put("agent", n.agent());
                rows.add(row);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", s.lab());
            m.put("etcd", s.etcd());
            m.put("nodes", rows);
            if (!s.etcdMembers().isEmpty()) {
                List<Object> members = new ArrayList<>();
                for (LabStatus.EtcdMember e : s.etcdMembers()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", e.name());
                    row.put("on", e.on());
                    row.put("clientUrl", e.clientUrl());
                    row.put("health", e.health());
                    row.put("leader", e.leader());
                    members.add(row);
                }
                m.put("etcdMembers", members);
                m.put("quorum", s.quorum());
            }
            line(Json.write(m));
            return;
        }
        out.printf(ROW, "NODE", "IP", "PUBLIC IP", "IFACE", "SUBNET", "VTEP MAC", "LEASE EXPIRES", "AGENT");
        for (LabStatus.Node n : s.nodes()) {
            out.printf(ROW, n.node(), n.ip(), dash(n.publicIp()), dash(n.iface()), dash(n.subnet()), dash(n.vtepMac()),
                    dash(n.leaseExpiry()), n.agent());
        }
        if (s.etcdMembers().size() > 1) {
            out.printf("%n" + MEMBER_ROW, "ETCD MEMBER", "ON", "CLIENT URL", "HEALTH", "LEADER");
            for (LabStatus.EtcdMember e : s.etcdMembers()) {
                out.printf(MEMBER_ROW, e.name(), e.on(), e.clientUrl(), e.health(), e.leader() ? "yes" : "");
            }
        }
        if (s.quorum() != null) {
            out.printf("%s%n", s.quorum());
        }
        out.flush();
    }

    static String dash(String s) {
        return s == null ? "-" : s;
    }
}
