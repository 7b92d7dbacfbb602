package dev.vxlab.orchestrator.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Topology} in Graphviz's DOT language, for {@code dot -Tsvg} or for the reader.
 *
 * <p>Design note: no value ever becomes DOT syntax. Statement IDs are fixed words and {@code n1..nN}, never a
 * node's name; every value (node names, addresses and hostnames come from specs and from what the nodes and
 * etcd said) stands only inside an HTML-like label, escaped by {@link #text} as XML text ({@code & < > " '})
 * with control characters made spaces. An HTML label ends only at its unbalanced {@code >}, which an escaped
 * value cannot hold, and backslash sequences mean nothing in it, so a value can neither close its label nor
 * start a statement or a Graphviz escape ({@code \N}, {@code \G}).
 */
public final class Dot {
    private static final String BLUE = "#dbe9f6";
    private static final String GREEN = "#d9f2d9";
    private static final String RED = "#f8d7da";
    private static final String GREY = "#eeeeee";

    private Dot() {
    }

    public static String write(Topology t) {
        StringBuilder sb = new StringBuilder();
        sb.append("graph vxlab {\n");
        sb.append("  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.4, ranksep=0.6,\n");
        sb.append("         label=<").append(title(t)).append(">];\n");
        sb.append("  node [shape=plain, fontname=\"Helvetica\", fontsize=10];\n");
        sb.append("  edge [fontname=\"Helvetica\", fontsize=9];\n\n");
        if (t.nat() != null) {
            sb.append("  nat [label=<").append(box(GREY, "NAT " + t.nat().cidr(),
                    List.of(row("every eth0", t.nat().eth0() + ", default route"), row("leads", "nowhere beyond the lab")))).append(">];\n");
        }
        sb.append("  underlay [label=<").append(box(BLUE, "underlay " + t.underlay().cidr(),
                List.of(row("carries", "every eth1; the overlay's " + t.overlay().backend())))).append(">];\n");
        sb.append("  host [label=<").append(box(GREY, "this machine", List.of(row("underlay", t.underlay().hostIp())))).append(">];\n");
        Topology.Etcd e = t.etcd();
        List<Row> etcd = new ArrayList<>(List.of(row("mode", e.mode()), row("runs on", place(e)), row("endpoint", e.where()),
                row("prefix", e.prefix())));
        if (t.live()) {
            etcd.add(row("read", e.read(), e.readable() ? GREEN : RED));
        }
        sb.append("  etcd [label=<").append(box(GREY, "etcd", etcd)).append(">];\n\n");
        for (int i = 0; i < t.nodes().size(); i++) {
            Topology.Node n = t.nodes().get(i);
            sb.append("  n").append(i + 1).append(" [label=<").append(box(BLUE, n.name(), List.of(
                    row("hostname", n.hostname()), row("eth0", n.eth0()), row("eth1", n.eth1()), row("subnet", n.subnet()),
                    row("VTEP MAC", n.vtepMac()), row("agent", n.agent(), t.live() ? (n.running() ? GREEN : RED) : null)))).append(">];\n");
        }
        sb.append('\n');
        for (int i = 0; i < t.nodes().size(); i++) {
            String id = "n" + (i + 1);
            if (t.nat() != null) {
                sb.append("  nat -- ").append(id).append(" [label=\"eth0\", style=dashed, color=\"#888888\"];\n");
            }
            sb.append("  ").append(id).append(" -- underlay [label=\"eth1\"];\n");
        }
        sb.append("  underlay -- host;\n");
        List<String> runsOn = switch (e.place()) {
            case THIS_MACHINE -> List.of("host");
            case NODE -> etcdNodes(t);
            case EXTERNAL -> List.of();
        };
        for (String id : runsOn) {
            sb.append("  ").append(id).append(" -- etcd [label=\"runs\", style=dotted];\n");
        }
        return sb.append("}\n").toString();
    }

    private static String place(Topology.Etcd e) {
        return switch (e.place()) {
            case THIS_MACHINE -> "this machine";
            case NODE -> (e.on().size() == 1 ? "node " : "nodes ") + String.join(", ", e.on());
            case EXTERNAL -> "elsewhere (external)";
        };
    }

    /** The statement IDs of the nodes etcd's members run on. */
    private static List<String> etcdNodes(Topology t) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < t.nodes().size(); i++) {
            if (t.etcd().on().contains(t.nodes().get(i).name())) {
                ids.add("n" + (i + 1));
            }
        }
        return ids;
    }

    private static String title(Topology t) {
        String how = t.live() ? "live: addresses as the nodes hold them, subnets as etcd leases them"
                : "planned" + (t.source() == null ? "" : " from " + t.source()) + " (not up): addresses from the spec, subnets "
                        + Topology.NOT_LEASED;
        return "<b>lab " + text(t.lab()) + "</b><br/>" + text(how) + "<br/>overlay " + text(t.overlay().network()) + ", a /"
                + t.overlay().subnetLen() + " per node, " + text(t.overlay().backend());
    }

    private record Row(String key, String value, String color) {
    }

    private static Row row(String key, String value) {
        return new Row(key, value, null);
    }

    private static Row row(String key, String value, String color) {
        return new Row(key, value, color);
    }

    private static String box(String headColor, String head, List<Row> rows) {
        StringBuilder sb = new StringBuilder("<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">");
        sb.append("<tr><td colspan=\"2\" bgcolor=\"").append(headColor).append("\"><b>").append(text(head)).append("</b></td></tr>");
        for (Row r : rows) {
            sb.append("<tr><td align=\"left\">").append(text(r.key())).append("</td><td align=\"left\"")
                    .append(r.color() == null ? "" : " bgcolor=\"" + r.color() + "\"").append('>').append(text(r.value())).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    /**
     * A value as the text of an HTML-like label: XML's five characters escaped, control characters made spaces,
     * what XML cannot hold (a lone surrogate, U+FFFE, U+FFFF) made U+FFFD; null is "-".
     */
    public static String text(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(' ');
                    } else if (Character.getType(c) == Character.SURROGATE || c == 0xFFFE || c == 0xFFFF) {
                        sb.append('\uFFFD'); // not a character XML may hold
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        });
        return sb.toString();
    }
}
