package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.verify.PingMatrix;
import java.util.Locale;

/**
 * A verification as JUnit XML (the format CI servers and classroom dashboards read): one test suite per lab,
 * one test case per ordered pair ("kube1 -> kube2", its time the RTT), and with --mtu one more per pair; a
 * failed pair carries a {@code <failure>}. Every value is escaped for XML. Pure.
 */
final class JUnitXml {
    private JUnitXml() {
    }

    static String of(Verification v) {
        StringBuilder cases = new StringBuilder();
        int tests = 0;
        int failures = 0;
        for (int i = 0; i < v.nodes().size(); i++) {
            for (int j = 0; j < v.nodes().size(); j++) {
                if (i == j) {
                    continue;
                }
                tests++;
                Double rtt = v.rtt()[i][j];
                String name = v.nodes().get(i) + " -> " + v.nodes().get(j);
                cases.append("    <testcase classname=\"").append(esc("vxlab.verify." + v.lab())).append("\" name=\"").append(esc(name))
                        .append("\" time=\"").append(rtt == null ? "0" : String.format(Locale.ROOT, "%.6f", rtt / 1000)).append('"');
                if (rtt == null) {
                    failures++;
                    cases.append(">\n      <failure message=\"no reply\">").append(esc("ping from " + v.nodes().get(i) + "'s container to "
                            + v.containers().get(v.nodes().get(j)) + " (" + v.nodes().get(j) + ") got no reply")).append("</failure>\n    </testcase>\n");
                } else {
                    cases.append("/>\n");
                }
            }
        }
        for (PingMatrix.MtuCheck c : v.mtu()) {
            tests++;
            cases.append("    <testcase classname=\"").append(esc("vxlab.verify." + v.lab() + ".mtu")).append("\" name=\"")
                    .append(esc(c.from() + " -> " + c.to() + " (" + c.payload() + " bytes, don't fragment)")).append("\" time=\"0\"");
            if (!c.ok()) {
                failures++;
                cases.append(">\n      <failure message=\"").append(esc(c.problem())).append("\"/>\n    </testcase>\n");
            } else {
                cases.append("/>\n");
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"" + esc("vxlab verify " + v.lab())
                + "\" tests=\"" + tests + "\" failures=\"" + failures + "\" errors=\"0\">\n" + cases + "  </testsuite>\n</testsuites>\n";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
