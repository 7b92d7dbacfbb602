package dev.vxlab.orchestrator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.doctor.Fixtures;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The topology and its DOT, compared byte for byte with golden files under src/test/resources/graph/: one planned
 * from labs/quickstart.yaml, one live from the doctor's recorded healthy quickstart lab. After an intended change,
 * regenerate them and review the diff:
 * <pre>  mvn -B -q test -pl orchestrator -am -Dtest=GraphTest -Dsurefire.failIfNoSpecifiedTests=false -Dvxlab.golden.update=true</pre>
 */
class GraphTest {
    private static final boolean UPDATE_GOLDEN = Boolean.getBoolean("vxlab.golden.update");
    private static final Path GOLDEN = Path.of(System.getProperty("basedir", "")).resolve("src/test/resources/graph");

    static LabSpec spec(String path) {
        return SpecLoader.load(Path.of(path));
    }

    static void golden(String name, String dot) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (UPDATE_GOLDEN) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, dot, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(file), "no golden file " + file.toAbsolutePath() + " (-Dvxlab.golden.update=true writes it)");
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), dot, name);
    }

    @Test
    void plannedFromQuickstart() throws IOException {
        Topology t = Topology.planned(spec("../labs/quickstart.yaml"));
        assertFalse(t.live());
        assertEquals(List.of("kube1", "kube2", "kube3"), t.nodes().stream().map(Topology.Node::name).toList());
        Topology.Node kube2 = t.nodes().get(1);
        assertEquals(new Topology.Node("kube2", "kube2", "10.0.2.15/24", "192.168.56.12/24", Topology.NOT_LEASED,
                "made when the agent starts", "not started", false), kube2);
        assertEquals(new Topology.Etcd("auto", Topology.Place.THIS_MACHINE, List.of(), "http://192.168.56.1:2379", "/coreos.com/network",
                null, false), t.etcd());
        golden("quickstart-planned.dot", Dot.write(t));
    }

    @Test
    void liveFromTheRecordedHealthyLab() throws IOException {
        Topology t = Topology.live(Fixtures.healthy().facts());
        assertTrue(t.live());
        Map<String, String> subnets = new LinkedHashMap<>();
        t.nodes().forEach(n -> subnets.put(n.name(), n.subnet()));
        assertEquals(Map.of("kube1", "10.244.134.0/24", "kube2", "10.244.6.0/24", "kube3", "10.244.164.0/24"), subnets);
        Topology.Node kube1 = t.nodes().get(0);
        assertEquals(new Topology.Node("kube1", "kube1", "10.0.2.15/24", "192.168.56.11/24", "10.244.134.0/24", "72:ba:fb:da:51:03",
                "running pid 11405", true), kube1);
        assertEquals("3 lease(s)", t.etcd().read());
        golden("healthy-live.dot", Dot.write(t));
    }

    @Test
    void aLiveNodeThatCannotBeReachedKeepsItsLeaseAndSaysWhy() {
        LabFacts f = Fixtures.healthy().facts();
        Map<String, NodeFacts> nodes = new LinkedHashMap<>(f.nodes());
        nodes.put("kube3", NodeFacts.unreachable("kube3", "connection refused"));
        Topology.Node kube3 = Topology.live(new LabFacts(f.spec(), nodes, f.etcd())).nodes().get(2);
        assertEquals(new Topology.Node("kube3", "kube3", "unknown", "unknown", "10.244.164.0/24", "32:aa:af:fe:b1:39",
                "unreachable: connection refused", false), kube3);
    }

    @Test
    void etcdIsDrawnWhereItRuns() {
        String onNode = Dot.write(Topology.planned(spec("src/test/resources/specs/good/vagrant-etcd-on-node.yaml")));
        assertTrue(onNode.contains("  n1 -- etcd [label=\"runs\", style=dotted];\n"), onNode);
        assertTrue(onNode.contains("node kube1") && onNode.contains("https://192.168.60.11:2379"), onNode);
        assertFalse(onNode.contains("host -- etcd"), onNode);

        String external = Dot.write(Topology.planned(spec("src/test/resources/specs/good/external-etcd-tls.yaml")));
        assertFalse(external.contains("-- etcd"), "an external etcd runs nowhere in the lab:\n" + external);
        assertTrue(external.contains("https://172.16.0.2:2379, https://etcd.example.test:2379/"), external);

        String here = Dot.write(Topology.planned(spec("../labs/quickstart.yaml")));
        assertTrue(here.contains("  host -- etcd [label=\"runs\", style=dotted];\n"), here);
    }

    @Test
    void withoutNatThereIsNoNatNetworkAndNoEth0() {
        Topology t = Topology.planned(spec("src/test/resources/specs/good/nat-off-ten-net.yaml"));
        assertEquals(null, t.nat());
        assertEquals(List.of("none", "none"), t.nodes().stream().map(Topology.Node::eth0).toList());
        String dot = Dot.write(t);
        assertFalse(dot.contains("  nat [") || dot.contains("nat -- "), dot);
    }

    @Test
    void hostGwHasNoVtepAndSshHostsKeepTheirNames() {
        Topology hostGw = Topology.planned(spec("src/test/resources/specs/good/host-gw.yaml"));
        assertEquals("host-gw", hostGw.overlay().backend());
        assertEquals("none (host-gw)", hostGw.nodes().get(0).vtepMac());
        Topology ssh = Topology.planned(spec("src/test/resources/specs/good/external-etcd-tls.yaml"));
        assertEquals("vxlan VNI 4096, UDP 4789, direct routing", ssh.overlay().backend());
        assertTrue(ssh.nodes().stream().allMatch(n -> n.hostname().equals("the host's own")), ssh.nodes().toString());
    }

    @Test
    void textEscapesWhatWouldEndALabelOrBreakTheSvg() {
        assertEquals("a&amp;b &lt;/td&gt;&lt;b&gt; &quot;x&quot; &#39;y&#39; \\N \\G", Dot.text("a&b </td><b> \"x\" 'y' \\N \\G"));
        assertEquals("one two three", Dot.text("one\ntwo\tthree"));
        assertEquals("\uFFFD \uFFFD", Dot.text("\uD800 \uFFFE"));
        assertEquals("kube1 😀 ü", Dot.text("kube1 😀 ü"));
        assertEquals("-", Dot.text(null));
    }

    /**
     * Hostile values everywhere a value goes: the DOT outside the labels is the same as with plain values (no
     * statement, attribute or edge added), and no label holds the value unescaped.
     */
    @Test
    void noValueChangesTheDotAroundItsLabel() {
        String evil = "x>]; evil [label=\"pwned\"]; n1 -- n2; <b>&amp;\"\n}\\N";
        String dotEvil = Dot.write(topology(evil));
        String dotPlain = Dot.write(topology("plain"));
        assertEquals(outsideLabels(dotPlain), outsideLabels(dotEvil));
        for (String label : labels(dotEvil)) {
            assertFalse(label.contains("\n") || label.contains("[label=\"pwned") || label.contains("<b>&amp;\""), label);
        }
        assertTrue(dotEvil.contains(Dot.text(evil)), "the value is there, escaped");
    }

    static Topology topology(String v) {
        List<Topology.Node> nodes = List.of(new Topology.Node(v, v, v, v, v, v, v, true), new Topology.Node(v + "2", v, v, v, v, v, v, false));
        return new Topology(v, v, true, new Topology.Overlay(v, 24, v), new Topology.Underlay(v, v), new Topology.Nat(v, v),
                new Topology.Etcd(v, Topology.Place.NODE, List.of(v), v, v, v, true), nodes);
    }

    /** The text of every {@code label=<...>}, angle brackets balanced. */
    static List<String> labels(String dot) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = dot.indexOf("label=<", i)) >= 0) {
            int end = closing(dot, i + "label=".length());
            out.add(dot.substring(i + "label=<".length(), end));
            i = end;
        }
        return out;
    }

    /** The DOT with each HTML label's content cut out. */
    static String outsideLabels(String dot) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        int at;
        while ((at = dot.indexOf("label=<", i)) >= 0) {
            sb.append(dot, i, at).append("label=<>");
            i = closing(dot, at + "label=".length()) + 1;
        }
        return sb.append(dot.substring(i)).toString();
    }

    /** The index of the '>' that closes the '<' at {@code open}, as Graphviz's lexer balances them. */
    static int closing(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '<') {
                depth++;
            } else if (s.charAt(i) == '>' && --depth == 0) {
                return i;
            }
        }
        throw new AssertionError("unbalanced label at " + open);
    }
}
