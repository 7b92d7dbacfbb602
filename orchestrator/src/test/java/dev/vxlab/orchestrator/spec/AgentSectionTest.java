package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSectionTest {

    @Test
    void eachCharacterThatWouldBreakOutIsNamedOnceInTheOrderFirstSeen() {
        assertEquals(List.of("$ (dollar sign)", "` (backquote)", "a line break", "the control character U+0007"),
                AgentSection.breakingCharacters("--iface=$X `y` $Z\n\u0007"));
        assertEquals(List.of(), AgentSection.breakingCharacters("--iface-regex='^eth[0-9] x'\t--ip-masq"));
    }

    @Test
    void twoCharactersAreNamedTogether() {
        SpecFixture f = new SpecFixture();
        AgentSection.read(f.top("agent: {options: '--iface=$X\"'}\n"), f.values);
        assertEquals(List.of("x.yaml:1:18: agent.options: must not contain $ (dollar sign) and \" (double quote): they would"
                + " break out of FLANNEL_OPTIONS=\"...\" in /etc/sysconfig/flanneld; use single quotes for values with spaces"),
                f.errors());
    }

    @Test
    void aLeaseTtlUnderTheMinimumIsTooShort() {
        SpecFixture f = new SpecFixture();
        AgentSection.read(f.top("agent: {leaseTtl: 4s}\n"), f.values);
        assertEquals(List.of("x.yaml:1:19: agent.leaseTtl: 4s is too short: a subnet lease must last at least 5s"), f.errors());
    }
}
