package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxlab.core.net.Ip4;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodesSectionTest {
    private final SpecFixture f = new SpecFixture();

    private List<LabSpec.Node> read(String yaml) {
        Section top = f.top(yaml);
        NetworkSection network = NetworkSection.read(top, f.values);
        return NodesSection.read(top, f.values, network, SshSection.read(top, f.values, LabSpec.Provider.NETNS)).nodes();
    }

    @Test
    void aSecondUseOfANameOrAnAddressIsTheErrorAndTheOthersAreStillChecked() {
        List<LabSpec.Node> nodes = read("""
                nodes:
                  - {name: a, ip: 192.168.56.11}
                  - {name: b, ip: 192.168.56.11}
                  - {name: a, ip: 192.168.56.13}
                  - {name: d, ip: 192.168.56.14}
                """);
        assertEquals(List.of("x.yaml:3:19: nodes[1].ip: \"192.168.56.11\" is already the address of nodes[0] (a);"
                        + " node addresses must be unique",
                "x.yaml:4:12: nodes[2].name: \"a\" is already the name of nodes[0]; node names must be unique"), f.errors());
        assertEquals(List.of(new LabSpec.Node("a", Ip4.parse("192.168.56.11")), new LabSpec.Node("d", Ip4.parse("192.168.56.14"))),
                nodes);
    }

    @Test
    void anAddressTakenByANodeWhoseNameWasWrongNamesNoName() {
        read("nodes:\n  - {name: A, ip: 192.168.56.11}\n  - {name: b, ip: 192.168.56.11}\n");
        assertEquals("x.yaml:3:19: nodes[1].ip: \"192.168.56.11\" is already the address of nodes[0]; node addresses must be unique",
                f.errors().get(1));
    }

    @Test
    void theHostsDefaultAddressIsNamedAsTheDefault() {
        read("nodes: [{name: a, ip: 192.168.56.1}]\n");
        assertEquals(List.of("x.yaml:1:23: nodes[0].ip: \"192.168.56.1\" is underlay.hostIp, the host's own address on the underlay"
                + " (the default); give the node another address"), f.errors());
    }

    @Test
    void missingOrNotAListIsOneError() {
        assertNull(read("name: x\n"));
        assertNull(read("nodes: kube1\n"));
        assertEquals(List.of("x.yaml:1:1: nodes: required key is missing; list the lab's nodes, such as nodes: ["
                        + NodesSection.EXAMPLE + "]",
                "x.yaml:1:8: nodes: expected a list of nodes such as [" + NodesSection.EXAMPLE + "], got \"kube1\""), f.errors());
    }
}
