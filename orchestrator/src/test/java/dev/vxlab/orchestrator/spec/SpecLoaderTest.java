package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spec corpus under src/test/resources/specs: every good/*.yaml resolves to the values in its *.expected
 * file, every bad/*.yaml fails with exactly the lines of its *.errors file (file:line:column: path: message,
 * in file order). Files are named in errors as specs/good/x.yaml and specs/bad/x.yaml.
 */
class SpecLoaderTest {
    private static final Path SPECS = resource("specs");

    // ---- the corpus --------------------------------------------------------------------------------------

    static Stream<String> goodSpecs() {
        return yamlFiles("good").stream();
    }

    static Stream<String> badSpecs() {
        return yamlFiles("bad").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodSpecs")
    void goodSpecResolvesToTheValuesOfItsExpectedFile(String file) throws IOException {
        LabSpec spec = SpecLoader.parse("specs/good/" + file, read("good", file));
        assertEquals(readLines("good", sibling(file, ".expected")), SpecDump.lines(spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpecReportsExactlyTheProblemsOfItsErrorsFile(String file) throws IOException {
        String text = read("bad", file);
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("specs/bad/" + file, text));
        assertEquals(readLines("bad", sibling(file, ".errors")), e.errors().stream().map(SpecError::toString).toList());
    }

    @Test
    void corpusHasACompanionForEveryFileAndCoversEnough() throws IOException {
        for (String kind : List.of("good", "bad")) {
            String companion = kind.equals("good") ? ".expected" : ".errors";
            Set<String> yaml = new TreeSet<>(yamlFiles(kind));
            Set<String> other = new TreeSet<>();
            try (Stream<Path> files = Files.list(SPECS.resolve(kind))) {
                files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".yaml")).forEach(other::add);
            }
            assertEquals(yaml.stream().map(f -> sibling(f, companion)).collect(Collectors.toCollection(TreeSet::new)), other,
                    kind + ": every spec needs its " + companion + " file, and nothing else may lie there");
            for (String name : other) {
                assertTrue(readLines(kind, name).stream().noneMatch(String::isBlank), kind + "/" + name + " has a blank line");
            }
        }
        assertTrue(yamlFiles("bad").size() >= 25, "at least 25 bad specs, found " + yamlFiles("bad").size());
        assertTrue(yamlFiles("good").containsAll(List.of("quickstart.yaml", "vagrant-eth0-trap.yaml", "minimal.yaml", "host-gw.yaml",
                "external-etcd-tls.yaml", "sixteen-nodes.yaml")), "the good corpus lost one of its required specs");
    }

    @Test
    void oneSpecWithManyProblemsReportsThemAllInFileOrder() throws IOException {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("specs/bad/many-problems.yaml", read("bad", "many-problems.yaml")));
        List<SpecError> errors = e.errors();
        assertEquals(12, errors.size());
        List<String> paths = errors.stream().map(SpecError::path).toList();
        assertEquals(List.of("nodes[0].name", "nodes[1].ip", "nodes[2].ip", "network.subnetLen", "network.vni", "etcd.prefix",
                "etcd.endpoints", "agent.options", "agent.leaseTtl", "firewall", "provider", "name"), paths);
        for (int i = 1; i < errors.size(); i++) {
            SpecError a = errors.get(i - 1);
            SpecError b = errors.get(i);
            assertTrue(a.line() < b.line() || (a.line() == b.line() && a.column() < b.column()), a + " should come before " + b);
        }
    }

    // ---- the repository's labs -----------------------------------------------------------------------------

    @Test
    void theCorpusCopiesOfTheLabsAreIdenticalToLabs() throws IOException {
        for (Path lab : labs()) {
            Path copy = SPECS.resolve("good").resolve(lab.getFileName());
            assertTrue(Files.exists(copy), "labs/" + lab.getFileName() + " has no copy in specs/good");
            assertEquals(Files.readString(lab), Files.readString(copy), "specs/good/" + lab.getFileName() + " differs from labs/");
        }
    }

    @Test
    void theLabsInTheRepositoryUseUnderlaysOfTheirOwnSoThatTheyCanBeUpTogether() throws IOException {
        List<LabSpec> specs = labs().stream().map(SpecLoader::load).toList();
        for (int i = 0; i < specs.size(); i++) {
            for (int j = i + 1; j < specs.size(); j++) {
                assertFalse(specs.get(i).underlay().cidr().overlaps(specs.get(j).underlay().cidr()),
                        specs.get(i).source() + " and " + specs.get(j).source() + " share an underlay");
            }
        }
    }

    @Test
    void everyLabInTheRepositoryLoadsFromItsFile() throws IOException {
        List<Path> labs = labs();
        assertTrue(labs.size() >= 2, "labs/ should hold quickstart.yaml and vagrant-eth0-trap.yaml");
        for (Path lab : labs) {
            LabSpec spec = SpecLoader.load(lab);
            assertEquals(lab, spec.source());
            assertTrue(!spec.nodes().isEmpty(), lab + " has no nodes");
        }
    }

    @Test
    void quickstartResolvesToTypedValues() throws IOException {
        LabSpec expected = new LabSpec("quickstart", LabSpec.Provider.NETNS,
                new LabSpec.Network(Ip4Net.parse("10.244.0.0/16"), 24, "vxlan", 1, 8472, false),
                new LabSpec.Underlay(Ip4Net.parse("192.168.56.0/24"), Ip4.parse("192.168.56.1"), true),
                new LabSpec.Etcd(LabSpec.EtcdMode.AUTO, "quay.io/coreos/etcd:v3.5.17", "/coreos.com/network", List.of(), 1, List.of(), null, null, null),
                new LabSpec.Agent("--iface=eth1", Duration.ofHours(24)),
                LabSpec.Firewall.FIREWALLD,
                new LabSpec.Vagrant(null, "debian/bookworm64", 1024, 1, "vxlab/node:bookworm"),
                List.of(new LabSpec.Node("kube1", Ip4.parse("192.168.56.11")), new LabSpec.Node("kube2", Ip4.parse("192.168.56.12")),
                        new LabSpec.Node("kube3", Ip4.parse("192.168.56.13"))),
                Path.of("labs/quickstart.yaml"));
        assertEquals(expected, SpecLoader.parse("labs/quickstart.yaml", read("good", "quickstart.yaml")));
    }

    @Test
    void aMinimalSpecTakesTheDocumentedDefaults() throws IOException {
        // Literal values, not SpecDefaults' constants: changing a default must be a visible decision.
        LabSpec expected = new LabSpec("minimal", LabSpec.Provider.NETNS,
                new LabSpec.Network(Ip4Net.parse("10.244.0.0/16"), 24, "vxlan", 1, 8472, false),
                new LabSpec.Underlay(Ip4Net.parse("192.168.56.0/24"), Ip4.parse("192.168.56.1"), true),
                new LabSpec.Etcd(LabSpec.EtcdMode.AUTO, "quay.io/coreos/etcd:v3.5.17", "/coreos.com/network", List.of(), 1, List.of(), null, null, null),
                new LabSpec.Agent("--iface=eth1", Duration.ofHours(24)),
                LabSpec.Firewall.NONE,
                new LabSpec.Vagrant(null, "debian/bookworm64", 1024, 1, "vxlab/node:bookworm"),
                List.of(new LabSpec.Node("kube1", Ip4.parse("192.168.56.11"))),
                Path.of("minimal.yaml"));
        assertEquals(expected, SpecLoader.parse("minimal.yaml", read("good", "minimal.yaml")));
    }

    @Test
    void hostIpDefaultsToTheFirstAddressOfTheUnderlayGiven() {
        LabSpec spec = SpecLoader.parse("x.yaml", "name: x\nunderlay: {cidr: 172.20.0.0/16}\nnodes: [{name: a, ip: 172.20.1.1}]\n");
        assertEquals(Ip4.parse("172.20.0.1"), spec.underlay().hostIp());
    }

    @Test
    void subnetLenDefaultsAsFlannelsDoes() {
        assertEquals(24, SpecLoader.parse("x.yaml", "name: x\nnetwork: {cidr: 10.1.0.0/22}\nnodes: [{name: a, ip: 192.168.56.2}]\n")
                .network().subnetLen());
        assertEquals(25, SpecLoader.parse("x.yaml", "name: x\nnetwork: {cidr: 10.1.0.0/23}\nnodes: [{name: a, ip: 192.168.56.2}]\n")
                .network().subnetLen());
    }

    // ---- files -------------------------------------------------------------------------------------------

    @Test
    void tlsFilesAreTakenRelativeToTheSpecsDirectory() throws URISyntaxException {
        String text = "name: x\netcd: {mode: external, endpoints: [https://10.1.0.1:2379], caFile: ca.pem,"
                + " certFile: ../c/cert.pem, keyFile: /etc/key.pem}\nnodes: [{name: a, ip: 192.168.56.2}]\n";
        LabSpec.Etcd etcd = SpecLoader.parse("labs/tls/x.yaml", text).etcd();
        assertEquals(Path.of("labs/tls/ca.pem"), etcd.caFile());
        assertEquals(Path.of("labs/tls/../c/cert.pem"), etcd.certFile());
        assertEquals(Path.of("/etc/key.pem"), etcd.keyFile());
        assertEquals(List.of(new URI("https://10.1.0.1:2379")), etcd.endpoints());
        assertEquals(Path.of("ca.pem"), SpecLoader.parse("x.yaml", text).etcd().caFile(), "a spec in the working directory");
    }

    @Test
    void loadNamesTheFileAsGivenRelativeStaysRelative(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lab.yaml");
        Files.writeString(file, "name: Lab\nnodes: [{name: a, ip: 192.168.56.2}]\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertTrue(!relative.isAbsolute());

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(relative));
        assertEquals(List.of(relative + ":1:7: name: invalid lab name \"Lab\": it must start with a lowercase letter (a-z);"
                + " a name is 1 to 16 characters: a lowercase letter first, then lowercase letters, digits or '-'"),
                e.errors().stream().map(SpecError::toString).toList());
        assertEquals(relative.toString(), e.errors().get(0).file());

        SpecException absolute = assertThrows(SpecException.class, () -> SpecLoader.load(file));
        assertEquals(file.toString(), absolute.errors().get(0).file());
    }

    @Test
    void loadReportsAFileThatCannotBeRead(@TempDir Path dir) throws IOException {
        SpecException missing = assertThrows(SpecException.class, () -> SpecLoader.load(Path.of("no/such/lab.yaml")));
        assertEquals(List.of("no/such/lab.yaml: no such file"), missing.errors().stream().map(SpecError::toString).toList());

        Path binary = dir.resolve("bin.yaml");
        Files.write(binary, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        SpecException notText = assertThrows(SpecException.class, () -> SpecLoader.load(binary));
        assertEquals(List.of(binary + ": not UTF-8 text; save the spec as UTF-8"),
                notText.errors().stream().map(SpecError::toString).toList());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheSpec(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.write(file, ("\uFEFFname: bom\nnodes: [{name: a, ip: 192.168.56.2}]\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("bom", SpecLoader.load(file).name());
    }

    // ---- single rules at their edges ---------------------------------------------------------------------

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "--iface=`hostname`            | ` (backquote)",
        "--iface=$IFACE                | $ (dollar sign)",
        "--iface-regex=eth\\d          | \\ (backslash)",
        "--iface=\"eth1\"              | \" (double quote)",
    })
    void agentOptionsNameTheCharacterThatWouldBreakOut(String options, String named) {
        String yaml = "name: x\nagent:\n  options: '" + options.replace("'", "''") + "'\nnodes: [{name: a, ip: 192.168.56.2}]\n";
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", yaml));
        assertEquals(List.of("x.yaml:3:12: agent.options: must not contain " + named + ": it would break out of"
                + " FLANNEL_OPTIONS=\"...\" in /etc/sysconfig/flanneld; use single quotes for values with spaces"),
                e.errors().stream().map(SpecError::toString).toList());
    }

    @Test
    void agentOptionsInSingleQuotesAndTabsPass() {
        LabSpec spec = SpecLoader.parse("x.yaml",
                "name: x\nagent: {options: \"--iface-regex='^eth[0-9] x'\\t--ip-masq\"}\nnodes: [{name: a, ip: 192.168.56.2}]\n");
        assertEquals("--iface-regex='^eth[0-9] x'\t--ip-masq", spec.agent().options());
    }

    @Test
    void leaseTtlOfExactlyFiveSecondsIsTheShortestAllowed() {
        String spec = "name: x\nagent: {leaseTtl: %s}\nnodes: [{name: a, ip: 192.168.56.2}]\n";
        assertEquals(Duration.ofSeconds(5), SpecLoader.parse("x.yaml", spec.formatted("5s")).agent().leaseTtl());
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", spec.formatted("4999ms")));
        assertEquals("agent.leaseTtl", e.errors().get(0).path());
    }

    @Test
    void namesOfSixteenCharactersPassAndSeventeenDoNot() {
        String spec = "name: %s\nnodes: [{name: %s, ip: 192.168.56.2}]\n";
        String sixteen = "a234567890123456";
        LabSpec ok = SpecLoader.parse("x.yaml", spec.formatted(sixteen, sixteen));
        assertEquals(sixteen, ok.name());
        assertEquals(sixteen, ok.nodes().get(0).name());
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", spec.formatted(sixteen + "7", sixteen + "7")));
        assertEquals(List.of("name", "nodes[0].name"), e.errors().stream().map(SpecError::path).toList());
    }

    @Test
    void tenAliasesToMapsOrListsAreAllowedTheEleventhIsNot() {
        String ten = "x: &a [1]\ny: [" + String.join(", ", java.util.Collections.nCopies(10, "*a")) + "]\nname: a\n"
                + "nodes: [{name: a, ip: 192.168.56.2}]\n";
        SpecException underLimit = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", ten));
        assertEquals(List.of("x.yaml:1:1: unknown key 'x'; a spec's keys are name, provider, network, underlay, etcd, agent, firewall, vagrant, ssh, nodes",
                        "x.yaml:2:1: unknown key 'y'; a spec's keys are name, provider, network, underlay, etcd, agent, firewall, vagrant, ssh, nodes"),
                underLimit.errors().stream().map(SpecError::toString).toList());

        SpecException overLimit = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", ten.replace("*a]", "*a, *a]")));
        assertEquals(List.of("x.yaml:2:45: one alias too many: a spec may refer to anchored maps or lists at most 10 times"
                + " (a guard against alias bombs); write the values out"), overLimit.errors().stream().map(SpecError::toString).toList());
    }

    @Test
    void theExceptionMessageListsEveryProblem() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", "provider: netns\n"));
        assertEquals("2 problems in the spec:\n"
                + "  x.yaml:1:1: name: required key is missing; give the lab a name such as quickstart (it prefixes every object the lab creates)\n"
                + "  x.yaml:1:1: nodes: required key is missing; list the lab's nodes, such as nodes: [{name: kube1, ip: 192.168.56.11}]",
                e.getMessage());
    }

    @Test
    void aProblemWithoutAPositionPrintsFileAndMessage() {
        assertEquals("a.yaml: no such file", new SpecError("a.yaml", 0, 0, "", "no such file").toString());
        assertEquals("a.yaml:3:5: nodes[1].ip: bad", new SpecError("a.yaml", 3, 5, "nodes[1].ip", "bad").toString());
        assertEquals("a.yaml:1:1: empty", new SpecError("a.yaml", 1, 1, "", "empty").toString());
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static Path resource(String name) {
        try {
            return Path.of(SpecLoaderTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> yamlFiles(String kind) {
        try (Stream<Path> files = Files.list(SPECS.resolve(kind))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sibling(String yamlFile, String extension) {
        return yamlFile.substring(0, yamlFile.length() - ".yaml".length()) + extension;
    }

    private static String read(String kind, String file) throws IOException {
        return Files.readString(SPECS.resolve(kind).resolve(file));
    }

    private static List<String> readLines(String kind, String file) throws IOException {
        return Files.readAllLines(SPECS.resolve(kind).resolve(file));
    }

    /** labs/*.yaml of the repository: found from the test classes' location (orchestrator/target/test-classes). */
    private static List<Path> labs() throws IOException {
        Path dir = SPECS;
        while (dir != null && !(Files.isDirectory(dir.resolve("labs")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no labs/ directory above " + SPECS);
        List<Path> labs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("labs"))) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(labs::add);
        }
        return labs;
    }
}
