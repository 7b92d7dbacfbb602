package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.json.JsonException;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.doctor.NodeFacts.Fdb;
import dev.vxlab.orchestrator.doctor.NodeFacts.Link;
import dev.vxlab.orchestrator.doctor.NodeFacts.Neigh;
import dev.vxlab.orchestrator.doctor.NodeFacts.Route;
import dev.vxlab.orchestrator.doctor.NodeFacts.Vxlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the output of {@code gather.sh} (sections after "### name" lines) into {@link NodeFacts}. Pure, and
 * lenient: a section that does not parse leaves its facts empty and says so in {@code problems}, so one odd
 * command does not hide what the others show. iproute2's JSON is kept element by element (re-written
 * compactly, as {@code ip -j} prints it) for the evidence of a finding.
 */
public final class FactsParser {
    private FactsParser() {
    }

    public static NodeFacts parse(String node, String output) {
        Map<String, String> sections = sections(output);
        List<String> problems = new ArrayList<>();
        if (!sections.containsKey("end")) {
            problems.add("the facts end early (after section " + String.join(", ", sections.keySet()) + ")");
        }
        Map<String, Map<String, Object>> addresses = addresses(sections.get("addr"), "addr", problems);
        List<Link> links = links(sections.get("link"), addresses, problems);
        List<Link> container = containerLinks(sections.get("container"), problems);
        return new NodeFacts(node, null, sections, links, routes(sections.get("route"), problems),
                neighbours(sections.get("neigh"), problems), fdb(sections.get("fdb"), problems),
                lines(sections.get("iptables")), keyValues(sections.get("subnet.env")), keyValues(sections.get("sysconfig")),
                firstLine(sections.get("agent"), "unknown"), lines(sections.get("log")), udpInCsumErrors(sections.get("snmp")),
                container, etcdReach(sections.get("etcd")), List.copyOf(problems));
    }

    static Map<String, String> sections(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("### ")) {
                if (name != null) {
                    out.put(name, body.toString());
                }
                name = line.substring(4).trim();
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            out.put(name, body.toString());
        }
        return out;
    }

    private static List<Map<String, Object>> jsonArray(String text, String section, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(NodeFacts.COMMANDS.get(section) + " printed nothing");
            return List.of();
        }
        try {
            Object v = Json.parse(text.strip());
            List<Map<String, Object>> out = new ArrayList<>();
            if (v instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> e = (Map<String, Object>) m;
                        out.add(e);
                    }
                }
                return out;
            }
        } catch (JsonException | IllegalArgumentException e) {
            // reported below
        }
        problems.add(NodeFacts.COMMANDS.get(section) + " printed no JSON list: " + firstLine(text, ""));
        return List.of();
    }

    /** The addr listing's entry of each interface, by name. */
    private static Map<String, Map<String, Object>> addresses(String text, String section, List<String> problems) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> l : jsonArray(text, section, problems)) {
            out.put(str(l, "ifname"), l);
        }
        return out;
    }

    private static List<Ip4Net> inet(Map<String, Object> addr) {
        List<Ip4Net> nets = new ArrayList<>();
        if (addr != null && addr.get("addr_info") instanceof List<?> infos) {
            for (Object o : infos) {
                if (o instanceof Map<?, ?> a && "inet".equals(a.get("family")) && a.get("local") instanceof String ip
                        && a.get("prefixlen") instanceof Number len) {
                    nets.add(Ip4Net.parseLoose(ip + "/" + len.intValue()));
                }
            }
        }
        return List.copyOf(nets);
    }

    /**
     * An interface's entry as evidence: the fields that matter here, as {@code ip -j} printed them (the whole
     * entry of {@code ip -d -j link} runs to some 40 fields). For addr listings only the IPv4 addresses.
     */
    private static String evidence(Map<String, Object> l, Map<String, Object> addr) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("ifname", "flags", "mtu", "operstate", "address")) {
            if (l.containsKey(k)) {
                m.put(k, l.get(k));
            }
        }
        if (l.get("linkinfo") instanceof Map<?, ?> info) {
            Map<String, Object> li = new LinkedHashMap<>();
            li.put("info_kind", info.get("info_kind"));
            if ("vxlan".equals(info.get("info_kind")) && info.get("info_data") instanceof Map<?, ?> d) {
                Map<String, Object> data = new LinkedHashMap<>();
                for (String k : List.of("id", "local", "link", "port", "learning")) {
                    if (d.containsKey(k)) {
                        data.put(k, d.get(k));
                    }
                }
                li.put("info_data", data);
            }
            m.put("linkinfo", li);
        }
        if (addr != null && addr.get("addr_info") instanceof List<?> infos) {
            List<Object> v4 = new ArrayList<>();
            for (Object o : infos) {
                if (o instanceof Map<?, ?> a && "inet".equals(a.get("family"))) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("family", "inet");
                    x.put("local", a.get("local"));
                    x.put("prefixlen", a.get("prefixlen"));
                    v4.add(x);
                }
            }
            m.put("addr_info", v4);
        }
        return Json.write(m);
    }

    private static List<Link> links(String text, Map<String, Map<String, Object>> addresses, List<String> problems) {
        List<Link> out = new ArrayList<>();
        for (Map<String, Object> l : jsonArray(text, "link", problems)) {
            out.add(link(l, addresses.get(str(l, "ifname"))));
        }
        return List.copyOf(out);
    }

    /** The test container's interfaces (its addr listing carries MTU and state too); none when it does not exist. */
    private static List<Link> containerLinks(String text, List<String> problems) {
        if (text == null || !text.strip().startsWith("[")) {
            return List.of();
        }
        List<Link> out = new ArrayList<>();
        for (Map<String, Object> l : jsonArray(text, "container", problems)) {
            out.add(link(l, l));
        }
        return List.copyOf(out);
    }

    /** A link from its {@code ip -d -j link} entry and its {@code ip -j addr} entry (null: no addresses). */
    private static Link link(Map<String, Object> l, Map<String, Object> addr) {
        String kind = null;
        Vxlan vxlan = null;
        if (l.get("linkinfo") instanceof Map<?, ?> info) {
            kind = info.get("info_kind") instanceof String k ? k : null;
            if ("vxlan".equals(kind) && info.get("info_data") instanceof Map<?, ?> d) {
                vxlan = new Vxlan(num(d.get("id")), d.get("local") instanceof String s ? s : null,
                        d.get("link") instanceof String s ? s : null, num(d.get("port")));
            }
        }
        boolean up = l.get("flags") instanceof List<?> flags && flags.contains("UP");
        return new Link(str(l, "ifname"), num(l.get("mtu")), up, str(l, "address"), kind, vxlan, inet(addr), evidence(l, addr));
    }

    private static List<Route> routes(String text, List<String> problems) {
        List<Route> out = new ArrayList<>();
        for (Map<String, Object> r : jsonArray(text, "route", problems)) {
            boolean onlink = r.get("flags") instanceof List<?> f && f.contains("onlink");
            out.add(new Route(str(r, "dst"), str(r, "gateway"), str(r, "dev"), onlink, compact(r)));
        }
        return List.copyOf(out);
    }

    private static List<Neigh> neighbours(String text, List<String> problems) {
        List<Neigh> out = new ArrayList<>();
        for (Map<String, Object> n : jsonArray(text, "neigh", problems)) {
            boolean permanent = n.get("state") instanceof List<?> s && s.contains("PERMANENT");
            out.add(new Neigh(str(n, "dst"), lower(str(n, "lladdr")), str(n, "dev"), permanent, compact(n)));
        }
        return List.copyOf(out);
    }

    private static List<Fdb> fdb(String text, List<String> problems) {
        List<Fdb> out = new ArrayList<>();
        for (Map<String, Object> f : jsonArray(text, "fdb", problems)) {
            out.add(new Fdb(lower(str(f, "mac")), str(f, "ifname"), str(f, "dst"), compact(f)));
        }
        return List.copyOf(out);
    }

    /** KEY=value lines (subnet.env, sysconfig); quotes around the value dropped; comments and other lines skipped. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0 || !line.substring(0, eq).matches("[A-Z_][A-Z0-9_]*")) {
                continue;
            }
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(line.substring(0, eq), v);
        }
        return out;
    }

    /** InCsumErrors of the Udp: lines in /proc/net/snmp (a header line, then a value line). */
    static long udpInCsumErrors(String text) {
        String[] header = null;
        for (String line : lines(text)) {
            if (!line.startsWith("Udp: ")) {
                continue;
            }
            String[] f = line.substring(5).trim().split("\\s+");
            if (header == null) {
                header = f;
                continue;
            }
            for (int i = 0; i < header.length && i < f.length; i++) {
                if (header[i].equals("InCsumErrors")) {
                    try {
                        return Long.parseLong(f[i]);
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            return 0;
        }
        return 0;
    }

    private static Map<String, Boolean> etcdReach(String text) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String[] f = line.trim().split(" ");
            if (f.length == 2) {
                out.put(f[0], f[1].equals("ok"));
            }
        }
        return out;
    }

    static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().filter(l -> !l.isBlank()).toList();
    }

    private static String firstLine(String text, String otherwise) {
        List<String> l = lines(text);
        return l.isEmpty() ? otherwise : l.get(0).strip();
    }

    private static String str(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    private static int num(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase();
    }

    private static String compact(Map<String, Object> m) {
        return Json.write(m);
    }
}
