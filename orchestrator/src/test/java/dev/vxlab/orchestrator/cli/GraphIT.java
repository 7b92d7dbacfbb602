package dev.vxlab.orchestrator.cli;

import static dev.vxlab.orchestrator.cli.LabUpIT.ipState;
import static dev.vxlab.orchestrator.cli.LabUpIT.run;
import static dev.vxlab.orchestrator.cli.LabUpIT.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.graph.Dot;
import dev.vxlab.orchestrator.graph.Topology;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LocalHost;
import dev.vxlab.orchestrator.provider.netns.NetnsNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * `vxlab graph` for real, as root: the planned drawing of a spec that is not up, then a two-node netns lab (its own
 * spec, it/graph-lab.yaml: lab itgraph on 192.168.81.0/24, network 10.247.0.0/16, etcd as a process) drawn live as
 * SVG by Graphviz's dot, which must parse as XML and name every node with the subnet etcd leased it; then `down`
 * leaves nothing of the lab. And hostile values through the real dot: text in the SVG, never markup or statements.
 */
class GraphIT {
    static final String LAB = "itgraph";
    static Path state;
    static Path work;
    static String previousState;

    @BeforeAll
    static void dirs() throws IOException {
        state = Files.createTempDirectory("vxlab-it-state-");
        work = Files.createTempDirectory("vxlab-it-graph-");
        previousState = System.getProperty("vxlab.state.home");
        System.setProperty("vxlab.state.home", state.toString());
    }

    @AfterAll
    static void cleanup() {
        try {
            run("down", LAB);
        } finally {
            Lab.deleteTree(state);
            Lab.deleteTree(work);
            if (previousState == null) {
                System.clearProperty("vxlab.state.home");
            } else {
                System.setProperty("vxlab.state.home", previousState);
            }
        }
    }

    @Test
    void aLabThatIsUpIsDrawnLiveAsSvgNamingEveryNodeAndItsLeaseThenDownLeavesNothing() throws Exception {
        Path planned = work.resolve("planned.dot");
        Run0 p = new Run0(run("graph", spec("graph-lab.yaml"), "--format", "dot", "--out", planned.toString()));
        assertEquals(0, p.code, p.all);
        assertTrue(Files.readString(planned).contains("not leased yet"), "a spec not up is drawn as planned");
        assertFalse(Files.exists(state.resolve("labs").resolve(LAB)), "drawing a plan makes nothing");

        String before = ipState();
        Run0 up = new Run0(run("up", spec("graph-lab.yaml")));
        assertEquals(0, up.code, up.all);
        assertTrue(up.all.contains("all 2 pairs ping"), up.all);
        assertFalse(leftovers(before).isEmpty(), "the leftovers check sees the lab while it is up");
        Map<String, String> leased = subnets();
        assertEquals(2, new HashSet<>(leased.values()).size(), "each node leased a subnet of its own: " + leased);

        Path svg = work.resolve("itgraph.svg");
        LabUpIT.Run g = run("graph", LAB, "--format", "svg", "--out", svg.toString());
        assertEquals(0, g.code(), g.out() + g.err());
        assertEquals("", g.out(), "--out: nothing on stdout");
        assertFalse(g.err().contains("vxlab:"), "no note, no error: " + g.err());
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        String text = doc.getDocumentElement().getTextContent();
        for (Map.Entry<String, String> e : leased.entrySet()) {
            assertTrue(text.contains(e.getKey()), "the drawing names " + e.getKey());
            assertTrue(e.getValue().startsWith("10.247.") && text.contains(e.getValue()), "and its subnet " + e.getValue() + ":\n" + text);
        }
        assertTrue(text.contains("192.168.81.11/24") && text.contains("192.168.81.12/24"), "the nodes' eth1 as they hold it");
        assertFalse(text.contains("not leased yet"), "live, not planned");

        Run0 down = new Run0(run("down", LAB));
        assertEquals(0, down.code, down.all);
        assertFalse(Files.exists(state.resolve("labs").resolve(LAB)), "lab state removed");
        assertEquals(List.of(), leftovers(before), "down leaves no namespace, link or route of the lab");
    }

    @Test
    void hostileValuesStayTextThroughTheRealDot() throws Exception {
        String evil = "x>]; evil [label=\"pwned\"]; n1 -- n2; <b>&amp;\"\n}\\N <!ENTITY e SYSTEM \"file:///etc/passwd\">";
        List<Topology.Node> nodes = List.of(new Topology.Node("a" + evil, evil, evil, evil, evil, evil, evil, true),
                new Topology.Node("b" + evil, evil, evil, evil, evil, evil, evil, false));
        Topology t = new Topology(evil, evil, true, new Topology.Overlay(evil, 24, evil), new Topology.Underlay(evil, evil),
                new Topology.Nat(evil, evil), new Topology.Etcd(evil, Topology.Place.NODE, List.of("a" + evil), evil, evil, evil, true), nodes);
        Path in = work.resolve("evil.dot");
        Path out = work.resolve("evil.svg");
        Files.writeString(in, Dot.write(t), StandardCharsets.UTF_8);
        Host.Result r = new LocalHost().run(List.of("dot", "-Tsvg", "-o", out.toString(), in.toString()), null, Map.of(), 60);
        assertEquals(0, r.code(), r.out());
        Document doc = parse(out);
        NodeList groups = doc.getElementsByTagNameNS("*", "g");
        int drawnNodes = 0;
        int edges = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            String cls = ((Element) groups.item(i)).getAttribute("class");
            drawnNodes += cls.equals("node") ? 1 : 0;
            edges += cls.equals("edge") ? 1 : 0;
        }
        assertEquals(2 + 4, drawnNodes, "two lab nodes, NAT, underlay, this machine, etcd: no node made by a value");
        assertEquals(2 * 2 + 1 + 1, edges, "eth0 and eth1 of each node, the host's link, etcd's: no edge made by a value");
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("evil [label=\"pwned\"]; n1 -- n2; <b>&amp;\""), "the value is shown as text:\n" + text);
        assertFalse(text.contains("root:"), "no entity of a value was expanded");
    }

    /** Each node's subnet, from `status --json`. */
    static Map<String, String> subnets() {
        LabUpIT.Run st = run("status", LAB, "--json");
        assertEquals(0, st.code(), st.err());
        Map<String, String> out = new LinkedHashMap<>();
        for (Object n : (List<?>) Json.parseObject(st.out().trim()).get("nodes")) {
            Map<?, ?> node = (Map<?, ?>) n;
            out.put((String) node.get("node"), (String) node.get("subnet"));
        }
        return out;
    }

    /**
     * This lab's namespaces, its root link and routes to its underlay that are there now and were not before;
     * other labs (another engineer's test) coming and going meanwhile are not this lab's leftovers.
     */
    static List<String> leftovers(String before) {
        NetnsNames names = new NetnsNames(LAB);
        Set<String> was = new HashSet<>(before.lines().toList());
        return ipState().lines().filter(l -> !was.contains(l))
                .filter(l -> l.contains(names.prefix()) || l.contains(names.rootLink()) || l.startsWith("192.168.81.")).toList();
    }

    /** An SVG parsed as XML with no DTD loaded and no external entity resolved. */
    static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        var b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(svg.toFile());
    }

    /** A run's exit code, and its stdout and stderr together for messages. */
    record Run0(int code, String all) {
        Run0(LabUpIT.Run r) {
            this(r.code(), r.out() + r.err());
        }
    }
}
