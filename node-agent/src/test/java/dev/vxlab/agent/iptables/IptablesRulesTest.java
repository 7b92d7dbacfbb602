package dev.vxlab.agent.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {
    static final Ip4Net NETWORK = Ip4Net.parse("10.244.0.0/16");
    static final Ip4Net SUBNET = Ip4Net.parse("10.244.34.0/24");

    @Test
    void masqueradeIsFlannelsIpMasqInItsOrder() {
        assertEquals(List.of(
                "-t nat -A VXLAB-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j RETURN",
                "-t nat -A VXLAB-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"vxlab masq\" -j MASQUERADE --random-fully",
                "-t nat -A VXLAB-POSTRTG ! -s 10.244.0.0/16 -d 10.244.34.0/24 -m comment --comment \"vxlab masq\" -j RETURN",
                "-t nat -A VXLAB-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j MASQUERADE --random-fully"),
                lines(IptablesRules.masquerade(NETWORK, SUBNET)));
    }

    @Test
    void masqueradeSpecsAreSeparateWords() {
        IptablesRule second = IptablesRules.masquerade(NETWORK, SUBNET).get(1);
        assertEquals("nat", second.table());
        assertEquals("VXLAB-POSTRTG", second.chain());
        assertEquals(List.of("-s", "10.244.0.0/16", "!", "-d", "224.0.0.0/4", "-m", "comment", "--comment", "vxlab masq",
                "-j", "MASQUERADE", "--random-fully"), second.spec());
        assertEquals("MASQUERADE", second.target());
    }

    @Test
    void withoutRandomFullyOnlyThatOptionGoes() {
        List<IptablesRule> rules = IptablesRules.masquerade(NETWORK, SUBNET, false);
        assertEquals(List.of(
                "-t nat -A VXLAB-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j RETURN",
                "-t nat -A VXLAB-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"vxlab masq\" -j MASQUERADE",
                "-t nat -A VXLAB-POSTRTG ! -s 10.244.0.0/16 -d 10.244.34.0/24 -m comment --comment \"vxlab masq\" -j RETURN",
                "-t nat -A VXLAB-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j MASQUERADE"),
                lines(rules));
    }

    @Test
    void subnetGivenAsItsFirstAddressIsWrittenAsTheNetwork() {
        // FLANNEL_SUBNET=10.244.34.1/24 style; iptables-save would print 10.244.34.0/24
        IptablesRule own = IptablesRules.masquerade(NETWORK, Ip4Net.parseLoose("10.244.34.1/24")).get(2);
        assertEquals(List.of("!", "-s", "10.244.0.0/16", "-d", "10.244.34.0/24", "-m", "comment", "--comment", "vxlab masq",
                "-j", "RETURN"), own.spec());
    }

    @Test
    void forwardAcceptsFromAndToTheNetwork() {
        assertEquals(List.of(
                "-t filter -A VXLAB-FWD -s 10.244.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT",
                "-t filter -A VXLAB-FWD -d 10.244.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT"),
                lines(IptablesRules.forward(NETWORK)));
    }

    @Test
    void jumpsLeadFromTheBuiltInChains() {
        assertEquals("-t nat -A POSTROUTING -m comment --comment \"vxlab masq\" -j VXLAB-POSTRTG",
                IptablesRules.masqueradeJump().toString());
        assertEquals("-t filter -A FORWARD -m comment --comment \"vxlab forward\" -j VXLAB-FWD",
                IptablesRules.forwardJump().toString());
        assertEquals(IptablesRules.MASQ_CHAIN, IptablesRules.masqueradeJump().target());
        assertEquals(IptablesRules.FORWARD_CHAIN, IptablesRules.forwardJump().target());
    }

    @Test
    void everyAddressNetworkIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IptablesRules.forward(Ip4Net.parse("0.0.0.0/0")));
    }

    @Test
    void wordsAreQuotedAsIptablesSaveQuotesThem() {
        assertEquals("10.244.0.0/16", IptablesRule.quote("10.244.0.0/16"));
        assertEquals("!", IptablesRule.quote("!"));
        assertEquals("\"vxlab masq\"", IptablesRule.quote("vxlab masq"));
        assertEquals("\"say \\\"hi\\\" \\\\o/\"", IptablesRule.quote("say \"hi\" \\o/"));
        assertEquals("\"\"", IptablesRule.quote(""));
    }

    @Test
    void ruleNeedsTableChainAndSpec() {
        assertThrows(IllegalArgumentException.class, () -> IptablesRule.of("nat", " ", "-j", "RETURN"));
        assertThrows(IllegalArgumentException.class, () -> IptablesRule.of("nat", "VXLAB-X"));
        assertNull(IptablesRule.of("nat", "VXLAB-X", "-s", "10.0.0.0/8").target());
    }

    private static List<String> lines(List<IptablesRule> rules) {
        return rules.stream().map(IptablesRule::toString).toList();
    }
}
