package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxlab.core.net.Ip4Net;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.Node;

/** The value readers on their own: each returns the value, or records one problem at the node and returns null. */
class ValuesTest {
    private final SpecFixture f = new SpecFixture();

    private static Node scalar(String yaml) {
        return SpecFixture.compose(yaml);
    }

    @Test
    void aBooleanWhereTextIsExpectedSaysHowToQuoteIt() {
        assertNull(f.values.string(scalar("no"), "name", "a lab name"));
        assertEquals(List.of("x.yaml:1:1: name: expected a lab name, got the boolean no"
                + " (YAML reads no as a boolean; write \"no\" in quotes for the word)"), f.errors());
    }

    @Test
    void aNumberInQuotesSaysToDropThem() {
        assertNull(f.values.intIn("a UDP port", 1, 65535, "%s is out of range").read(scalar("'8472'"), "network.port"));
        assertEquals(List.of("x.yaml:1:1: network.port: expected a UDP port, got \"8472\""
                + " (a number in quotes is text; write 8472 without quotes)"), f.errors());
    }

    @Test
    void aWholeNumberOutOfRangeIsShownAsWritten() {
        Reader<Integer> vni = f.values.intIn("a VNI", 1, 16777215, "%s is out of range");
        assertEquals(16777215, vni.read(scalar("16_777_215"), "network.vni"));
        assertNull(vni.read(scalar("99999999999999999999999"), "network.vni"));
        assertEquals(List.of("x.yaml:1:1: network.vni: 99999999999999999999999 is out of range"), f.errors());
    }

    @Test
    void aBooleanInQuotesSaysToDropThem() {
        assertEquals(true, f.values.bool(scalar("yes"), "underlay.nat"));
        assertNull(f.values.bool(scalar("\"false\""), "underlay.nat"));
        assertEquals(List.of("x.yaml:1:1: underlay.nat: expected true or false, got \"false\" (in quotes it is text;"
                + " write false without quotes)"), f.errors());
    }

    @Test
    void aCidrWithHostBitsNamesItsNetwork() {
        Reader<Ip4Net> cidr = f.values.cidr("10.244.0.0/16");
        assertEquals(Ip4Net.parse("10.244.0.0/16"), cidr.read(scalar("10.244.0.0/16"), "network.cidr"));
        assertNull(cidr.read(scalar("10.244.1.0/16"), "network.cidr"));
        assertNull(cidr.read(scalar("10.244.0.0"), "network.cidr"));
        assertEquals(List.of("x.yaml:1:1: network.cidr: \"10.244.1.0/16\" has host bits set; the network is 10.244.0.0/16",
                "x.yaml:1:1: network.cidr: expected a CIDR, an IPv4 network address and a prefix length 0 to 32 such as"
                        + " 10.244.0.0/16, got \"10.244.0.0\""), f.errors());
    }

    @Test
    void aDurationNeedsItsUnit() {
        assertEquals(Duration.ofMinutes(90), f.values.duration(scalar("1h30m"), "agent.leaseTtl", "a Go duration"));
        assertNull(f.values.duration(scalar("90"), "agent.leaseTtl", "a Go duration"));
        assertEquals(List.of("x.yaml:1:1: agent.leaseTtl: expected a Go duration, got the number 90 (add a unit, e.g. 90s)"),
                f.errors());
    }

    @Test
    void aNameFollowsLabNamesRule() {
        assertEquals("kube1", f.values.name("node").read(scalar("kube1"), "nodes[0].name"));
        assertNull(f.values.name("node").read(scalar("Kube1"), "nodes[0].name"));
        assertEquals(List.of("x.yaml:1:1: nodes[0].name: invalid node name \"Kube1\": it must start with a lowercase letter (a-z); "
                + LabName.RULE), f.errors());
    }

    @Test
    void aFileIsTakenFromTheSpecsDirectoryAndMayNotHoldShellCharacters() {
        assertEquals(Path.of("labs/certs/ca.pem"), f.values.file(scalar("certs/ca.pem"), "etcd.caFile"));
        assertEquals(Path.of("/etc/ca.pem"), f.values.file(scalar("/etc/ca.pem"), "etcd.caFile"));
        assertNull(f.values.file(scalar("'certs/$CA.pem'"), "etcd.caFile"));
        assertEquals(List.of("x.yaml:1:1: etcd.caFile: expected a file path such as certs/ca.pem, got \"certs/$CA.pem\":"
                + " '$' is not allowed; use a path without spaces, quotes, $, ` or \\"), f.errors());
    }
}
