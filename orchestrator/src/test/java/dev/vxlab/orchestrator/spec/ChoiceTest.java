package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.orchestrator.spec.LabSpec.Backend;
import dev.vxlab.orchestrator.spec.LabSpec.EtcdMode;
import dev.vxlab.orchestrator.spec.LabSpec.Firewall;
import dev.vxlab.orchestrator.spec.LabSpec.Provider;
import dev.vxlab.orchestrator.spec.LabSpec.VagrantProvider;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChoiceTest {

    @Test
    void theWordsAreTheEnumsConstantsInOrderLowerCaseWithDashes() {
        assertEquals(List.of("netns", "vagrant", "ssh"), Choice.words(Provider.class));
        assertEquals(List.of("vxlan", "host-gw"), Choice.words(Backend.class));
        assertEquals(List.of("auto", "container", "process", "external"), Choice.words(EtcdMode.class));
        assertEquals(List.of("firewalld", "iptables", "none"), Choice.words(Firewall.class));
        assertEquals(List.of("docker", "virtualbox", "libvirt"), Choice.words(VagrantProvider.class));
        assertEquals("host-gw", Backend.HOST_GW.word());
    }

    @Test
    void aWordIsReadExactly() {
        assertEquals(Optional.of(Backend.HOST_GW), Choice.of(Backend.class, "host-gw"));
        assertEquals(Optional.empty(), Choice.of(Backend.class, "host_gw"));
        assertEquals(Optional.empty(), Choice.of(Provider.class, "NetNS"));
    }

    @Test
    void aNetworksBackendTypeIsItsWordsConstant() {
        LabSpec.Network n = new LabSpec.Network(SpecDefaults.NETWORK_CIDR, 24, "host-gw", 1, 8472, false);
        assertEquals(Backend.HOST_GW, n.backendType());
    }

    @Test
    void theChoiceReaderListsTheEnumsWordsAndSuggestsTheNearest() {
        SpecFixture f = new SpecFixture();
        Section top = f.top("network: {backend: hostgw}\nfirewall: 3\n");
        top.section("network", NetworkSection.NETWORK_KEYS).field("backend", Backend.VXLAN, f.values.choice(Backend.class));
        top.field("firewall", Firewall.NONE, f.values.choice(Firewall.class));
        assertEquals(List.of("x.yaml:1:20: network.backend: expected one of vxlan, host-gw, got \"hostgw\"; did you mean host-gw?",
                "x.yaml:2:11: firewall: expected one of firewalld, iptables, none, got the number 3"), f.errors());
    }
}
