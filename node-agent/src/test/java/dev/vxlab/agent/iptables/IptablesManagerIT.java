package dev.vxlab.agent.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.it.Cmd;
import dev.vxlab.core.net.Ip4Net;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IptablesManager} over the real iptables binaries, inside a network namespace each test creates
 * ("vxipt-" + random hex) and deletes afterwards. Every command runs through {@code ip netns exec}; the host's
 * own tables are never read or written. Root only.
 */
class IptablesManagerIT {
    static final Ip4Net NETWORK = Ip4Net.parse("10.244.0.0/16");
    static final Ip4Net SUBNET = Ip4Net.parse("10.244.34.0/24");
    static final String MASQ_JUMP = "-A POSTROUTING -m comment --comment \"vxlab masq\" -j VXLAB-POSTRTG";
    static final String FWD_JUMP = "-A FORWARD -m comment --comment \"vxlab forward\" -j VXLAB-FWD";

    String ns;
    List<String> prefix;
    IptablesCommand command;
    IptablesManager manager;

    @BeforeEach
    void createNamespace() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        String name = "vxipt-" + HexFormat.of().formatHex(b);
        Cmd.must(List.of("ip", "netns", "add", name));
        ns = name;
        prefix = List.of("ip", "netns", "exec", ns);
        command = new IptablesCommand(prefix);
        manager = new IptablesManager(command);
    }

    @AfterEach
    void deleteNamespace() {
        if (ns != null) {
            Cmd.run(List.of("ip", "netns", "del", ns));
            ns = null;
        }
    }

    List<IptablesRule> chainRules() {
        List<IptablesRule> rules = new ArrayList<>(IptablesRules.masquerade(NETWORK, SUBNET, command.supportsRandomFully()));
        rules.addAll(IptablesRules.forward(NETWORK));
        return rules;
    }

    List<String> ensure() {
        return manager.ensure(chainRules(), List.of(IptablesRules.masqueradeJump(), IptablesRules.forwardJump()));
    }

    @Test
    void ensureTwiceAddsNoDuplicates() {
        assertFalse(command.version().isEmpty(), "iptables --version inside the namespace");
        assertEquals(10, ensure().size(), "2 chains, 6 rules, 2 jumps");
        assertEquals(List.of(), ensure());
        assertEquals(List.of(), new IptablesManager(command).ensure(chainRules(),
                List.of(IptablesRules.masqueradeJump(), IptablesRules.forwardJump())), "a restarted agent changes nothing");

        List<String> save = save();
        assertEquals(1, count(save, MASQ_JUMP));
        assertEquals(1, count(save, FWD_JUMP));
        assertEquals(4, save.stream().filter(l -> l.startsWith("-A VXLAB-POSTRTG ")).count());
        assertEquals(2, save.stream().filter(l -> l.startsWith("-A VXLAB-FWD ")).count());
        assertEquals(1, save.stream().filter(l -> l.startsWith("-A POSTROUTING ")).count());
        assertEquals(1, save.stream().filter(l -> l.startsWith("-A FORWARD ")).count());
        // and iptables itself finds every rule as written (its own comparison, not ours)
        for (IptablesRule r : chainRules()) {
            List<String> check = new ArrayList<>(List.of("iptables", "-t", r.table(), "-C", r.chain()));
            check.addAll(r.spec());
            assertEquals(0, inNs(check).code(), "iptables -C " + r);
        }
    }

    @Test
    void restoresARuleAndAJumpDeletedByHand() {
        ensure();
        List<String> before = save();
        IptablesRule own = chainRules().get(2);
        List<String> deleteRule = new ArrayList<>(List.of("iptables", "-t", "nat", "-D", own.chain()));
        deleteRule.addAll(own.spec());
        mustInNs(deleteRule);
        mustInNs(List.of("iptables", "-t", "filter", "-D", "FORWARD", "-m", "comment", "--comment", "vxlab forward", "-j", "VXLAB-FWD"));
        assertEquals(before.size() - 2, save().size(), "both gone");

        List<String> changes = ensure();

        assertEquals(List.of("Restored iptables rule: " + own,
                "Restored iptables rule: " + IptablesRules.forwardJump()), changes);
        assertEquals(before, save(), "everything back as it was, in the same order");
        assertEquals(List.of(), ensure());
    }

    @Test
    void jumpGoesOnTopAndOthersRulesStay() {
        mustInNs(List.of("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"));
        ensure();
        mustInNs(List.of("iptables", "-t", "filter", "-I", "FORWARD", "1", "-i", "docker0", "-j", "ACCEPT"));

        assertEquals(List.of(), ensure(), "a jump below someone else's rule is still there");
        List<String> save = save();
        assertEquals(List.of(MASQ_JUMP, "-A POSTROUTING -o eth0 -j MASQUERADE"),
                save.stream().filter(l -> l.startsWith("-A POSTROUTING ")).toList());
        assertEquals(List.of("-A FORWARD -i docker0 -j ACCEPT", FWD_JUMP),
                save.stream().filter(l -> l.startsWith("-A FORWARD ")).toList());
    }

    @Test
    void refillsAChainSomeoneChanged() {
        ensure();
        List<String> before = save();
        mustInNs(List.of("iptables", "-t", "nat", "-A", "VXLAB-POSTRTG", "-s", "192.168.0.0/16", "-j", "RETURN"));
        mustInNs(List.of("iptables", "-t", "filter", "-F", "VXLAB-FWD"));

        List<String> changes = ensure();

        assertEquals(3, changes.size(), String.join("\n", changes));
        assertEquals(before, save());
    }

    @Test
    void aRefusedChangeLeavesTheTableAsItWas() {
        ensure();
        List<String> before = save();
        IptablesRule bad = IptablesRule.of("nat", "VXLAB-BROKEN", "-j", "VXLAB-NOSUCH");

        IptablesException e = assertThrows(IptablesException.class, () -> manager.ensure(List.of(bad), List.of()));

        assertTrue(e.getMessage().contains("VXLAB-NOSUCH"), e.getMessage());
        assertEquals(before, save());
    }

    @Test
    void removeLeavesNoVxlabChain() {
        mustInNs(List.of("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"));
        ensure();

        List<String> removed = manager.remove();

        assertEquals(4, removed.size(), String.join("\n", removed));
        String all = String.join("\n", save());
        assertFalse(all.contains("VXLAB"), all);
        assertTrue(all.contains("-A POSTROUTING -o eth0 -j MASQUERADE"), all);
        assertEquals(List.of(), manager.remove());
    }

    /** iptables-save of every table in the namespace, without its comment lines (they carry the time). */
    List<String> save() {
        return mustInNs(List.of("iptables-save")).lines().filter(l -> !l.startsWith("#")).toList();
    }

    static long count(List<String> lines, String line) {
        return lines.stream().filter(line::equals).count();
    }

    Cmd.Result inNs(List<String> cmd) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(cmd);
        return Cmd.run(all);
    }

    String mustInNs(List<String> cmd) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(cmd);
        return Cmd.must(all);
    }
}
