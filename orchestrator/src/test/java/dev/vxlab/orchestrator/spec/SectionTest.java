package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SectionTest {
    private final SpecFixture f = new SpecFixture();

    @Test
    void anAbsentSectionGivesEveryFieldItsDefaultWithNoNode() {
        Val<Boolean> nat = f.top("name: x\n").section("underlay", NetworkSection.UNDERLAY_KEYS).field("nat", true, f.values::bool);
        assertEquals(Val.fallback(true), nat);
        assertEquals(List.of(), f.errors());
    }

    @Test
    void aSectionThatIsNotAMapIsOneErrorAndEveryFieldReadsAsWrong() {
        Section under = f.top("underlay: 192.168.56.0/24\n").section("underlay", NetworkSection.UNDERLAY_KEYS);
        assertNull(under.field("nat", true, f.values::bool));
        assertNull(under.section("deeper", List.of("a")).field("a", 1, (n, p) -> 1), "below a wrong section too");
        assertEquals(List.of("x.yaml:1:11: underlay: expected a map with the keys cidr, hostIp, nat, got \"192.168.56.0/24\""),
                f.errors());
    }

    @Test
    void aMissingRequiredKeyIsReportedAtItsMapOrTheNearestMapGiven() {
        Section top = f.top("name: x\nssh:\n  user: root\n");
        top.section("ssh", SshSection.KEYS).required("knownHosts", "give it", f.values::file);
        top.section("etcd", EtcdSection.KEYS).required("mode", "give it", f.values.choice(LabSpec.EtcdMode.class));
        assertEquals(List.of("x.yaml:1:1: etcd.mode: required key is missing; give it",
                "x.yaml:3:3: ssh.knownHosts: required key is missing; give it"), f.errors());
    }
}
