package dev.vxlab.orchestrator.render;

import static dev.vxlab.orchestrator.render.TestLabs.HOST_ETCD;
import static dev.vxlab.orchestrator.render.TestLabs.kube1;
import static dev.vxlab.orchestrator.render.TestLabs.node;
import static dev.vxlab.orchestrator.render.TestLabs.quickstart;
import static dev.vxlab.orchestrator.render.TestLabs.withFirewall;
import static dev.vxlab.orchestrator.render.TestLabs.withLeaseTtl;
import static dev.vxlab.orchestrator.render.TestLabs.withName;
import static dev.vxlab.orchestrator.render.TestLabs.withNetwork;
import static dev.vxlab.orchestrator.render.TestLabs.withOptions;
import static dev.vxlab.orchestrator.render.TestLabs.withPrefix;
import static dev.vxlab.orchestrator.render.TestLabs.withProvider;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.config.AgentConfig;
import dev.vxlab.agent.config.ConfigLoader;
import dev.vxlab.agent.config.SysconfigFile;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.LabSpec.Firewall;
import freemarker.cache.StringTemplateLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Comment;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The rendered files, compared byte for byte with golden files under src/test/resources/golden/CASE/, one file
 * per rendered path with "/" replaced by "_" (etc_sysconfig_flanneld). After an intended template change,
 * regenerate them and review the diff:
 * <pre>  mvn -B -q test -pl orchestrator -am -Dtest=RendererTest -Dsurefire.failIfNoSpecifiedTests=false -Dvxlab.golden.update=true</pre>
 * Without the property a difference fails the test.
 */
class RendererTest {
    private static final boolean UPDATE_GOLDEN = Boolean.getBoolean("vxlab.golden.update");
    private static final Path GOLDEN = Path.of(System.getProperty("basedir", "")).resolve("src/test/resources/golden");

    private final Renderer renderer = new Renderer();

    record Case(String name, LabSpec spec, LabSpec.Node node, List<String> etcdEndpoints) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> goldenCases() {
        LabSpec qs = quickstart();
        return Stream.of(
                new Case("quickstart-kube1", qs, kube1(), HOST_ETCD),
                new Case("vxlan-vni7-port4789", withNetwork(qs, "vxlan", 7, 4789, false), qs.nodes().get(1),
                        List.of("http://192.168.56.1:2379", "http://192.168.56.2:2379")),
                new Case("vxlan-direct-routing", withNetwork(qs, "vxlan", 1, 8472, true), qs.nodes().get(2), HOST_ETCD),
                new Case("host-gw", withName(withNetwork(qs, "host-gw", 0, 0, false), "hostgw"), kube1(), HOST_ETCD),
                new Case("empty-options", withName(withOptions(qs, ""), "eth0-trap"), qs.nodes().get(1), HOST_ETCD),
                new Case("firewall-none", withFirewall(qs, Firewall.NONE), kube1(), HOST_ETCD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void rendersExactlyTheGoldenFiles(Case c) throws IOException {
        List<RenderedFile> files = renderer.render(c.spec(), c.node(), c.etcdEndpoints());
        Path dir = GOLDEN.resolve(c.name());
        if (UPDATE_GOLDEN) {
            writeGolden(dir, files);
        }
        assertTrue(Files.isDirectory(dir), "no golden files in " + dir.toAbsolutePath()
                + "; generate them with -Dvxlab.golden.update=true and review them");
        Set<String> expectedNames;
        try (Stream<Path> list = Files.list(dir)) {
            expectedNames = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> renderedNames = files.stream().map(f -> goldenName(f.path())).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expectedNames, renderedNames, "rendered paths differ from the golden files in " + dir);
        for (RenderedFile file : files) {
            String golden = Files.readString(dir.resolve(goldenName(file.path())), StandardCharsets.UTF_8);
            assertEquals(golden, file.content(), file.path() + " differs from " + dir.resolve(goldenName(file.path()))
                    + " (regenerate with -Dvxlab.golden.update=true if the change is intended)");
        }
    }

    @Test
    void quickstartGivesFourFilesInAFixedOrderWithModes() {
        List<RenderedFile> files = renderer.render(quickstart(), kube1(), HOST_ETCD);
        assertEquals(List.of(
                        "/etc/sysconfig/flanneld 0600",
                        "/etc/firewalld/direct.xml 0644",
                        "/etc/systemd/system/vxlabd.service 0644",
                        "/etc/systemd/system/docker.service.d/vxlab.conf 0644"),
                files.stream().map(f -> f.path() + " " + f.mode()).toList());
        files.forEach(f -> assertTrue(f.content().endsWith("\n") && !f.content().endsWith("\n\n"), f.path()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "IPTABLES"})
    void directXmlOnlyWhenTheLabUsesFirewalld(String firewall) {
        List<String> paths = renderer.render(withFirewall(quickstart(), Firewall.valueOf(firewall)), kube1(), HOST_ETCD)
                .stream().map(RenderedFile::path).toList();
        assertEquals(List.of("/etc/sysconfig/flanneld", "/etc/systemd/system/vxlabd.service",
                "/etc/systemd/system/docker.service.d/vxlab.conf"), paths);
    }

    // ---- /etc/sysconfig/flanneld ----

    @Test
    void vxlabdReadsTheRenderedSysconfigFile() {
        String sysconfig = content(renderer.render(quickstart(), kube1(), HOST_ETCD), "/etc/sysconfig/flanneld");
        ConfigLoader loader = new ConfigLoader(Map.of(),
                path -> path.equals(ConfigLoader.DEFAULT_ENV_FILE) ? Optional.of(sysconfig) : Optional.empty(),
                () -> "kube1");
        AgentConfig config = loader.load(List.of());
        assertEquals(List.of(URI.create("http://192.168.56.1:2379")), config.etcdEndpoints());
        assertEquals("/coreos.com/network", config.etcdPrefix());
        assertEquals(List.of("eth1"), config.ifaces());
        assertEquals(Duration.ofHours(24), config.subnetLeaseTtl());
    }

    @Test
    void theSpecsLeaseTtlReachesTheAgentAndAgentOptionsOverrideIt() {
        // agent.leaseTtl was once only the doctor's: the agents kept flannel's 24 h, whatever the spec said
        LabSpec spec = withLeaseTtl(quickstart(), Duration.ofSeconds(20));
        assertEquals(Duration.ofSeconds(20), loadRendered(spec).subnetLeaseTtl());
        assertEquals(Duration.ofSeconds(90), loadRendered(withOptions(spec, "--iface=eth1 --subnet-lease-ttl=90s")).subnetLeaseTtl());
    }

    private AgentConfig loadRendered(LabSpec spec) {
        String sysconfig = content(renderer.render(spec, kube1(), HOST_ETCD), "/etc/sysconfig/flanneld");
        return new ConfigLoader(Map.of(), path -> path.equals(ConfigLoader.DEFAULT_ENV_FILE) ? Optional.of(sysconfig) : Optional.empty(),
                () -> "kube1").load(List.of());
    }

    @Test
    void withTlsTheAgentReadsTheLabsCaAndItsOwnCertificateFromTheSysconfigFile() {
        LabSpec vagrant = withProvider(quickstart(), LabSpec.Provider.VAGRANT);
        String sysconfig = content(renderer.render(vagrant, kube1(), List.of("https://192.168.56.1:2379")), "/etc/sysconfig/flanneld");
        assertTrue(sysconfig.contains("\n# TLS to etcd (flanneld's --etcd-cafile, --etcd-certfile, --etcd-keyfile): the lab's CA and this node's"
                + " own client certificate, which vxlab signed and wrote; etcd refuses a client without a certificate of the lab\n"
                + "FLANNELD_ETCD_CAFILE=\"/var/lib/vxlab/pki/ca.pem\"\n"
                + "FLANNELD_ETCD_CERTFILE=\"/var/lib/vxlab/pki/client.pem\"\n"
                + "FLANNELD_ETCD_KEYFILE=\"/var/lib/vxlab/pki/client-key.pem\"\n"), sysconfig);
        AgentConfig config = new ConfigLoader(Map.of(),
                path -> path.equals(ConfigLoader.DEFAULT_ENV_FILE) ? Optional.of(sysconfig) : Optional.empty(), () -> "kube1").load(List.of());
        assertEquals(Path.of("/var/lib/vxlab/pki/ca.pem"), config.etcdTls().caFile());
        assertEquals(Path.of("/var/lib/vxlab/pki/client.pem"), config.etcdTls().certFile());
        assertEquals(Path.of("/var/lib/vxlab/pki/client-key.pem"), config.etcdTls().keyFile());
        assertEquals(List.of(URI.create("https://192.168.56.1:2379")), config.etcdEndpoints());
        assertFalse(content(renderer.render(quickstart(), kube1(), HOST_ETCD), "/etc/sysconfig/flanneld").contains("FLANNELD_ETCD"),
                "a netns lab's etcd, sealed on this machine, has no TLS unless the spec asks");
    }

    @Test
    void hostileValuesReadBackUnchangedAndStayOnTheirLine() {
        // The loader refuses these in agent.options; built directly, they must still come back byte for byte.
        String options = "--iface-regex='^e(th|np)1$' \"quoted\" `reboot` $(reboot) ${HOME} back\\slash\\ \tend\\";
        String prefix = "/weird \"$prefix\"\\";
        LabSpec spec = withPrefix(withOptions(quickstart(), options), prefix);
        List<String> endpoints = List.of("http://a:2379/$x", "http://b:2379/\"y\"");

        String sysconfig = content(renderer.render(spec, kube1(), endpoints), "/etc/sysconfig/flanneld");
        Map<String, String> values = SysconfigFile.parse(Path.of("/etc/sysconfig/flanneld"), sysconfig).values();

        assertEquals(options, values.get("FLANNEL_OPTIONS"));
        assertEquals(prefix, values.get("FLANNEL_ETCD_PREFIX"));
        assertEquals(String.join(",", endpoints), values.get("FLANNEL_ETCD_ENDPOINTS"));
        assertEquals(Set.of("FLANNEL_ETCD_ENDPOINTS", "FLANNEL_ETCD_PREFIX", "FLANNELD_SUBNET_LEASE_TTL", "FLANNEL_OPTIONS"), values.keySet());
        assertEquals(1, sysconfig.lines().filter(l -> l.startsWith("FLANNEL_OPTIONS=")).count());
    }

    @Test
    void shellDoubleQuotedEscapesWhatIsSpecialInsideDoubleQuotes() {
        assertAll(
                () -> assertEquals("--iface=eth1 --ip-masq", Renderer.shellDoubleQuoted("--iface=eth1 --ip-masq")),
                () -> assertEquals("", Renderer.shellDoubleQuoted("")),
                () -> assertEquals("a\\\"b", Renderer.shellDoubleQuoted("a\"b")),
                () -> assertEquals("\\$HOME \\$(id) \\`id\\`", Renderer.shellDoubleQuoted("$HOME $(id) `id`")),
                () -> assertEquals("end\\\\", Renderer.shellDoubleQuoted("end\\")),
                () -> assertEquals("'single' #hash ; & | < > ~ * ?", Renderer.shellDoubleQuoted("'single' #hash ; & | < > ~ * ?")),
                () -> assertEquals("tab\there, ünïcode", Renderer.shellDoubleQuoted("tab\there, ünïcode")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nFLANNEL_OPTIONS=--evil", "a\r", "nul\0", "del\u007f", "esc\u001b[0m", "nel\u0085"})
    void shellDoubleQuotedRejectsControlCharacters(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Renderer.shellDoubleQuoted(value));
        assertTrue(e.getMessage().contains("control character U+"), e.getMessage());
    }

    @Test
    void theSysconfigTemplateEscapesEveryInterpolation() {
        StringTemplateLoader loader = new StringTemplateLoader();
        loader.putTemplate("t.ftl", "<#ftl output_format=\"sysconfig\">\nX=\"${a}${b?upper_case}\"\n");
        String out = new Renderer(loader).renderTemplate("t.ftl", Map.of("a", "\"$", "b", "`x\\"));
        assertEquals("X=\"\\\"\\$\\`X\\\\\"\n", out);
    }

    // ---- /etc/firewalld/direct.xml ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void directXmlIsWellFormedFirewalldDirectRules(Case c) throws Exception {
        Optional<RenderedFile> file = renderer.render(c.spec(), c.node(), c.etcdEndpoints()).stream()
                .filter(f -> f.path().equals("/etc/firewalld/direct.xml")).findFirst();
        if (c.spec().firewall() != Firewall.FIREWALLD) {
            assertTrue(file.isEmpty());
            return;
        }
        Document doc = parseXml(file.orElseThrow().content());
        Element root = doc.getDocumentElement();
        assertEquals("direct", root.getTagName());
        List<String> rules = new ArrayList<>();
        NodeList children = root.getElementsByTagName("rule");
        for (int i = 0; i < children.getLength(); i++) {
            Element rule = (Element) children.item(i);
            assertEquals("ipv4", rule.getAttribute("ipv"));
            assertEquals("filter", rule.getAttribute("table"));
            assertEquals("0", rule.getAttribute("priority"));
            rules.add(rule.getAttribute("chain") + " " + rule.getTextContent());
        }
        LabSpec.Network net = c.spec().network();
        List<String> expected = new ArrayList<>();
        List<String> ifaces = new ArrayList<>();
        if (net.backend().equals("vxlan")) {
            ifaces.add("flannel." + net.vni());
            if (net.directRouting()) {
                ifaces.add("eth1");
            }
        } else {
            ifaces.add("eth1");
        }
        for (String iface : ifaces) {
            expected.add("FORWARD -i " + iface + " -o docker0 -j ACCEPT");
            expected.add("FORWARD -i docker0 -o " + iface + " -j ACCEPT");
        }
        if (net.backend().equals("vxlan")) {
            expected.add("INPUT -p udp --dport " + net.port() + " -s 192.168.56.0/24 -j ACCEPT");
        }
        assertEquals(expected, rules);
    }

    @Test
    void xmlSpecialCharactersInNamesAreEscapedInDirectXml() throws Exception {
        LabSpec spec = withName(quickstart(), "lab&co");
        String xml = content(renderer.render(spec, node("kube<1>&\"x\"", "192.168.56.11"), HOST_ETCD),
                "/etc/firewalld/direct.xml");

        assertTrue(xml.contains("lab lab&amp;co, node kube&lt;1&gt;&amp;&quot;x&quot;."), xml);
        assertFalse(xml.contains("kube<1>"), xml);
        assertFalse(xml.contains("\"x\""), xml);
        Document doc = parseXml(xml); // well-formed despite the names
        // Inside a comment XML decodes nothing, so the escaped form is what a reader sees.
        assertTrue(firstComment(doc).contains("node kube&lt;1&gt;&amp;&quot;x&quot;."), firstComment(doc));
        assertEquals(3, doc.getElementsByTagName("rule").getLength());
    }

    @Test
    void doubleHyphensInNamesCannotEndTheXmlComment() throws Exception {
        String xml = content(renderer.render(withName(quickstart(), "x--"), node("a--b--->", "192.168.56.11"), HOST_ETCD),
                "/etc/firewalld/direct.xml");
        Document doc = parseXml(xml);
        assertEquals("direct", doc.getDocumentElement().getTagName());
        assertTrue(firstComment(doc).contains("lab x- -, node a- -b- - -&gt;."), firstComment(doc));
    }

    @Test
    void portZeroMeansTheKernelDefault8472() {
        String xml = content(renderer.render(withNetwork(quickstart(), "vxlan", 1, 0, false), kube1(), HOST_ETCD),
                "/etc/firewalld/direct.xml");
        assertTrue(xml.contains("-p udp --dport 8472 -s 192.168.56.0/24 -j ACCEPT"), xml);
    }

    // ---- systemd units ----

    @Test
    void vxlabdServiceHasTheExpectedSections() {
        Map<String, Map<String, List<String>>> unit = parseUnit(content(renderer.render(quickstart(), kube1(), HOST_ETCD),
                "/etc/systemd/system/vxlabd.service"));
        assertEquals(List.of("Unit", "Service", "Install"), List.copyOf(unit.keySet()));
        assertEquals(List.of("network-online.target"), unit.get("Unit").get("After"));
        assertEquals(List.of("network-online.target"), unit.get("Unit").get("Wants"));
        assertEquals(List.of("docker.service"), unit.get("Unit").get("Before"));
        assertEquals(List.of("-/etc/sysconfig/flanneld"), unit.get("Service").get("EnvironmentFile"));
        assertEquals(List.of("/opt/vxlab/bin/vxlabd"), unit.get("Service").get("ExecStart"));
        assertEquals(List.of("on-failure"), unit.get("Service").get("Restart"));
        assertTrue(unit.get("Service").get("ExecStartPost").get(0).contains("/run/flannel/docker_opts.env"));
        assertEquals(List.of("multi-user.target"), unit.get("Install").get("WantedBy"));
    }

    @Test
    void dockerDropInReplacesExecStartAndWaitsForVxlabd() {
        Map<String, Map<String, List<String>>> dropIn = parseUnit(content(renderer.render(quickstart(), kube1(), HOST_ETCD),
                "/etc/systemd/system/docker.service.d/vxlab.conf"));
        assertEquals(List.of("Unit", "Service"), List.copyOf(dropIn.keySet()));
        assertEquals(List.of("vxlabd.service"), dropIn.get("Unit").get("After"));
        assertEquals(List.of("vxlabd.service"), dropIn.get("Unit").get("Requires"));
        assertEquals(List.of("-/run/flannel/docker_opts.env"), dropIn.get("Service").get("EnvironmentFile"));
        assertEquals(List.of("", "/usr/bin/env dockerd -H fd:// $DOCKER_OPT_BIP $DOCKER_OPT_MTU $DOCKER_OPT_IPMASQ"),
                dropIn.get("Service").get("ExecStart"));
    }

    // ---- errors ----

    @Test
    void anUndefinedVariableFailsNamingTemplateAndVariable() {
        StringTemplateLoader loader = new StringTemplateLoader();
        loader.putTemplate("throwaway.ftl", "# for ${lab}\nKEY=${missingThing}\n");
        Renderer throwaway = new Renderer(loader);

        RenderException e = assertThrows(RenderException.class,
                () -> throwaway.renderTemplate("throwaway.ftl", Map.of("lab", "quickstart")));
        assertEquals("throwaway.ftl", e.template());
        assertEquals("missingThing", e.variable());
        assertEquals("template throwaway.ftl: undefined variable missingThing at line 2, column 7", e.getMessage());
    }

    @Test
    void aMissingTemplateFailsNamingIt() {
        RenderException e = assertThrows(RenderException.class,
                () -> new Renderer(new StringTemplateLoader()).renderTemplate("nope.ftl", Map.of()));
        assertEquals("nope.ftl", e.template());
        assertTrue(e.getMessage().contains("no such template"), e.getMessage());
    }

    @Test
    void aControlCharacterInAnyValueIsRefusedBeforeRendering() {
        RenderException e = assertThrows(RenderException.class,
                () -> renderer.render(quickstart(), node("kube1\nFLANNEL_OPTIONS=--evil", "192.168.56.11"), HOST_ETCD));
        assertEquals("node", e.variable());
        assertTrue(e.getMessage().contains("U+000A"), e.getMessage());

        RenderException options = assertThrows(RenderException.class,
                () -> renderer.render(withOptions(quickstart(), "--iface=eth1\r"), kube1(), HOST_ETCD));
        assertEquals("agentOptions", options.variable());
    }

    @Test
    void anUnknownBackendListsTheKnownOnes() {
        RenderException e = assertThrows(RenderException.class,
                () -> renderer.render(withNetwork(quickstart(), "udp", 1, 8285, false), kube1(), HOST_ETCD));
        assertEquals("backend", e.variable());
        assertEquals("backend \"udp\" is not supported. Supported backends are [vxlan, host-gw]", e.getMessage());
    }

    @Test
    void etcdEndpointsMustBeGivenOneUrlEach() {
        assertEquals("etcdEndpoints", assertThrows(RenderException.class,
                () -> renderer.render(quickstart(), kube1(), List.of())).variable());
        assertEquals("etcdEndpoints", assertThrows(RenderException.class,
                () -> renderer.render(quickstart(), kube1(), List.of("http://a:2379,http://b:2379"))).variable());
    }

    @Test
    void aNullValueIsNamed() {
        RenderException e = assertThrows(RenderException.class,
                () -> renderer.render(withOptions(quickstart(), null), kube1(), HOST_ETCD));
        assertEquals("agentOptions", e.variable());
    }

    // ---- helpers ----

    private static String goldenName(String path) {
        return path.substring(1).replace('/', '_');
    }

    private static void writeGolden(Path dir, List<RenderedFile> files) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> old = Files.list(dir)) {
                old.forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
        for (RenderedFile file : files) {
            Files.writeString(dir.resolve(goldenName(file.path())), file.content(), StandardCharsets.UTF_8);
        }
    }

    private static String content(List<RenderedFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
    }

    private static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String firstComment(Document doc) {
        for (Node n = doc.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Comment comment) {
                return comment.getData();
            }
        }
        throw new AssertionError("no comment before <direct>");
    }

    /** systemd's unit syntax, as far as these files use it: [Section], Key=Value (repeatable), # and ; comments. */
    private static Map<String, Map<String, List<String>>> parseUnit(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            assertFalse(l.endsWith("\\"), "no continuation lines expected: " + line);
            if (l.startsWith("[") && l.endsWith("]")) {
                String name = l.substring(1, l.length() - 1);
                assertFalse(sections.containsKey(name), "section [" + name + "] twice");
                current = new LinkedHashMap<>();
                sections.put(name, current);
                continue;
            }
            int eq = l.indexOf('=');
            assertTrue(eq > 0, "not Key=Value: " + line);
            assertTrue(current != null, "setting before any section: " + line);
            current.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(l.substring(eq + 1).strip());
        }
        return sections;
    }
}
