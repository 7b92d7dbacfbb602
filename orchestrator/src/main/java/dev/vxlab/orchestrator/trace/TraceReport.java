package dev.vxlab.orchestrator.trace;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.Severity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code vxlab trace} found: the echo request's hops and the reply's, whether the reply came, and when it
 * did not, where the packet was last seen ({@code lost}) and the doctor's findings that explain it; the pcaps
 * kept and the tshark line that decodes them. As text for a student and as JSON for a script.
 *
 * @param suspects the nodes whose doctor findings explain a loss, the most likely first
 */
public record TraceReport(String lab, String src, String dst, String srcIp, String dstIp, int port, int vni, Integer icmpId, Integer icmpSeq,
                    List<Hop> request, List<Hop> reply, Ping ping, String lost, List<String> suspects, List<Finding> explanation,
                    List<String> pcaps) {

    public boolean replied() {
        return ping.replied();
    }

    /**
     * The doctor's errors that explain a loss: those about the suspect nodes, the most likely node's first; when
     * none concerns them, every error of the lab. Nothing for a trace whose reply came.
     */
    public TraceReport explainedBy(List<Finding> findings) {
        List<Finding> errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
        List<Finding> chosen = new ArrayList<>();
        for (String node : suspects) {
            errors.stream().filter(f -> f.nodes().contains(node) && !chosen.contains(f)).forEach(chosen::add);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(errors);
        }
        return new TraceReport(lab, src, dst, srcIp, dstIp, port, vni, icmpId, icmpSeq, request, reply, ping, lost, suspects,
                replied() ? List.of() : List.copyOf(chosen), pcaps);
    }

    public TraceReport withPcaps(List<String> files) {
        return new TraceReport(lab, src, dst, srcIp, dstIp, port, vni, icmpId, icmpSeq, request, reply, ping, lost, suspects, explanation,
                List.copyOf(files));
    }

    /** The line that decodes a kept capture with Wireshark's command line (it knows VXLAN on 4789 only, unless told). */
    public String tshark(String file) {
        return "tshark -r " + file + " -d udp.port==" + port + ",vxlan";
    }

    /** The kept capture to decode first: the source's underlay (VXLAN on the wire), else the first one. */
    public String firstPcap() {
        String underlay = request.stream().filter(h -> h.kind() == Hop.Kind.CAPTURE && h.node().equals(src)).map(Hop::at)
                .reduce((a, b) -> b).orElse("");
        return pcaps.stream().filter(p -> p.endsWith("/" + src + "-" + underlay + ".pcap")).findFirst().orElse(pcaps.get(0));
    }

    /** One line: the verdict, and for a loss where and why. */
    public String summary() {
        if (replied()) {
            return src + " -> " + dst + ": the reply came back in " + ping.rttMs() + " ms";
        }
        StringBuilder sb = new StringBuilder(src + " -> " + dst + ": no reply: " + lost);
        if (explanation.isEmpty()) {
            sb.append("; no doctor rule explains it (vxlab doctor ").append(lab).append(" shows all it checks)");
        }
        for (Finding f : explanation) {
            sb.append("; ").append(f.rule()).append(": ").append(f.summary());
        }
        return sb.toString();
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("trace ").append(lab).append(": ").append(src).append(" container ").append(srcIp).append(" -> ").append(dst)
                .append(" container ").append(dstIp).append(", one ping, VXLAN VNI ").append(vni).append(" on UDP ").append(port).append('\n');
        String echo = icmpId == null ? "" : " (ICMP id " + icmpId + " seq " + icmpSeq + ")";
        hops(sb, "echo request" + echo, request);
        if (reply.isEmpty()) {
            sb.append("\necho reply: none seen\n");
        } else {
            hops(sb, "echo reply" + echo, reply);
        }
        sb.append("\nping: ").append(ping.summary()).append('\n');
        sb.append("result: ").append(summary()).append('\n');
        for (Finding f : explanation) {
            sb.append("  ").append(f.rule()).append(" fix: ").append(f.fix()).append('\n');
        }
        if (!pcaps.isEmpty()) {
            sb.append("\npcaps kept:\n");
            pcaps.forEach(p -> sb.append("  ").append(p).append('\n'));
            sb.append("decode with: ").append(tshark(firstPcap())).append('\n');
        }
        return sb.toString();
    }

    private static void hops(StringBuilder sb, String title, List<Hop> hops) {
        sb.append('\n').append(title).append('\n');
        for (Hop h : hops) {
            String mark = h.kind() != Hop.Kind.CAPTURE ? "     " : Boolean.TRUE.equals(h.seen()) ? "seen " : "-    ";
            sb.append(String.format("%3d %-8s %-10s %s%s%n", h.step(), h.node(), h.at(), mark, h.detail()));
        }
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", lab);
        m.put("from", ordered("node", src, "ip", srcIp));
        m.put("to", ordered("node", dst, "ip", dstIp));
        m.put("port", port);
        m.put("vni", vni);
        m.put("replied", replied());
        m.put("rttMs", ping.rttMs() == null ? null : new BigDecimal(String.valueOf(ping.rttMs())));
        m.put("ping", ping.summary());
        m.put("icmpId", icmpId);
        m.put("icmpSeq", icmpSeq);
        m.put("request", hopsJson(request));
        m.put("reply", hopsJson(reply));
        m.put("lost", lost);
        List<Object> ex = new ArrayList<>();
        for (Finding f : explanation) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rule", f.rule());
            x.put("nodes", f.nodes());
            x.put("summary", f.summary());
            x.put("fix", f.fix());
            ex.add(x);
        }
        m.put("explanation", ex);
        m.put("summary", summary());
        m.put("pcaps", pcaps);
        m.put("tshark", pcaps.isEmpty() ? null : tshark(firstPcap()));
        return Json.write(m);
    }

    private static List<Object> hopsJson(List<Hop> hops) {
        List<Object> out = new ArrayList<>();
        for (Hop h : hops) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("step", h.step());
            x.put("node", h.node());
            x.put("at", h.at());
            x.put("kind", h.kind().name().toLowerCase());
            if (h.kind() == Hop.Kind.CAPTURE) {
                x.put("seen", h.seen());
            }
            x.put("detail", h.detail());
            if (h.packet() != null) {
                x.put("packet", packetJson(h.packet()));
            }
            out.add(x);
        }
        return out;
    }

    private static Map<String, Object> packetJson(Packet p) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("epochNanos", p.epochNanos());
        x.put("length", p.wire());
        x.put("ethSrc", p.ethernet().src());
        x.put("ethDst", p.ethernet().dst());
        x.put("ipSrc", p.ipv4().src().toString());
        x.put("ipDst", p.ipv4().dst().toString());
        x.put("ttl", p.ipv4().ttl());
        Packet.Vxlan v = p.vxlan();
        if (v != null) {
            x.put("udpSrcPort", p.ipv4().udp().srcPort());
            x.put("udpDstPort", p.ipv4().udp().dstPort());
            x.put("vni", v.vni());
            x.put("vxlanFlags", v.flags());
            x.put("innerEthSrc", p.overlay().src());
            x.put("innerEthDst", p.overlay().dst());
            x.put("innerIpSrc", p.overlay().ipv4().src().toString());
            x.put("innerIpDst", p.overlay().ipv4().dst().toString());
        }
        Packet.Icmp icmp = p.icmp();
        x.put("icmp", ordered("type", icmp.type(), "code", icmp.code(), "id", icmp.id(), "seq", icmp.seq()));
        return x;
    }

    /** A JSON object with its keys in the order given (key, value, key, value...). */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
