package dev.vxlab.agent.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesManagerTest {
    static final Ip4Net NETWORK = Ip4Net.parse("10.244.0.0/16");
    static final Ip4Net SUBNET = Ip4Net.parse("10.244.34.0/24");
    static final String MASQ_JUMP = "-m comment --comment \"vxlab masq\" -j VXLAB-POSTRTG";
    static final String FWD_JUMP = "-m comment --comment \"vxlab forward\" -j VXLAB-FWD";
    static final List<String> MASQ = List.of(
            "-s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j RETURN",
            "-s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"vxlab masq\" -j MASQUERADE --random-fully",
            "! -s 10.244.0.0/16 -d 10.244.34.0/24 -m comment --comment \"vxlab masq\" -j RETURN",
            "! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"vxlab masq\" -j MASQUERADE --random-fully");
    static final List<String> FWD = List.of(
            "-s 10.244.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT",
            "-d 10.244.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT");

    final FakeIptables ipt = new FakeIptables();
    final IptablesManager manager = new IptablesManager(ipt);

    static List<IptablesRule> chainRules(Ip4Net network, Ip4Net subnet) {
        List<IptablesRule> rules = new ArrayList<>(IptablesRules.masquerade(network, subnet));
        rules.addAll(IptablesRules.forward(network));
        return rules;
    }

    static final List<IptablesRule> JUMPS = List.of(IptablesRules.masqueradeJump(), IptablesRules.forwardJump());

    List<String> ensure() {
        return manager.ensure(chainRules(NETWORK, SUBNET), JUMPS);
    }

    void assertAllInPlace() {
        assertEquals(MASQ, ipt.rules("nat", "VXLAB-POSTRTG"));
        assertEquals(FWD, ipt.rules("filter", "VXLAB-FWD"));
        assertEquals(MASQ_JUMP, ipt.rules("nat", "POSTROUTING").get(0));
        assertEquals(FWD_JUMP, ipt.rules("filter", "FORWARD").get(0));
        assertEquals(1, ipt.rules("nat", "POSTROUTING").stream().filter(MASQ_JUMP::equals).count());
        assertEquals(1, ipt.rules("filter", "FORWARD").stream().filter(FWD_JUMP::equals).count());
    }

    @Test
    void firstEnsureCreatesChainsRulesAndJumps() {
        List<String> changes = ensure();

        assertAllInPlace();
        assertEquals(2, ipt.restoreInputs.size(), "one transaction per table");
        assertEquals(List.of(
                "Created iptables chain -t nat VXLAB-POSTRTG",
                "Added iptables rule: -t nat -A VXLAB-POSTRTG " + MASQ.get(0),
                "Added iptables rule: -t nat -A VXLAB-POSTRTG " + MASQ.get(1),
                "Added iptables rule: -t nat -A VXLAB-POSTRTG " + MASQ.get(2),
                "Added iptables rule: -t nat -A VXLAB-POSTRTG " + MASQ.get(3),
                "Added iptables rule: -t nat -A POSTROUTING " + MASQ_JUMP,
                "Created iptables chain -t filter VXLAB-FWD",
                "Added iptables rule: -t filter -A VXLAB-FWD " + FWD.get(0),
                "Added iptables rule: -t filter -A VXLAB-FWD " + FWD.get(1),
                "Added iptables rule: -t filter -A FORWARD " + FWD_JUMP), changes);
        assertEquals("*nat\n:VXLAB-POSTRTG - [0:0]\n"
                + MASQ.stream().map(r -> "-A VXLAB-POSTRTG " + r + "\n").reduce("", String::concat)
                + "-I POSTROUTING 1 " + MASQ_JUMP + "\nCOMMIT\n", ipt.restoreInputs.get(0));
    }

    @Test
    void nothingToDoWhenAllPresent() {
        ensure();
        ipt.restoreInputs.clear();
        ipt.saves = 0;

        assertEquals(List.of(), ensure());
        assertEquals(List.of(), ensure());

        assertEquals(List.of(), ipt.restoreInputs);
        assertEquals(4, ipt.saves, "one iptables-save per table per pass");
        assertAllInPlace();
    }

    @Test
    void nothingToDoOverRealIptablesSaveOutput() {
        // iptables-save v1.8.9 (nf_tables) output of exactly these rules, plus Docker-like rules of others
        ipt.restore(SavedTableTest.fixture("iptables-nft-1.8.9.save"));
        ipt.restoreInputs.clear();

        assertEquals(List.of(), ensure());
        assertEquals(List.of(), ipt.restoreInputs);
    }

    @Test
    void restoresADeletedJump() {
        ensure();
        ipt.restoreInputs.clear();
        ipt.run("nat", "-D POSTROUTING " + MASQ_JUMP);

        List<String> changes = ensure();

        assertEquals(List.of("Restored iptables rule: -t nat -A POSTROUTING " + MASQ_JUMP), changes);
        assertEquals(List.of("*nat\n-I POSTROUTING 1 " + MASQ_JUMP + "\nCOMMIT\n"), ipt.restoreInputs);
        assertAllInPlace();
    }

    @Test
    void restoresADeletedChainRuleInItsPlace() {
        ensure();
        ipt.run("nat", "-D VXLAB-POSTRTG " + MASQ.get(2));

        assertEquals(List.of("Restored iptables rule: -t nat -A VXLAB-POSTRTG " + MASQ.get(2)), ensure());
        assertAllInPlace();
    }

    @Test
    void restoresAChainDeletedWithItsJump() {
        ensure();
        ipt.run("filter", "-D FORWARD " + FWD_JUMP);
        ipt.run("filter", "-D VXLAB-FWD " + FWD.get(0));
        ipt.run("filter", "-D VXLAB-FWD " + FWD.get(1));
        ipt.run("filter", "-X VXLAB-FWD");

        List<String> changes = ensure();

        assertEquals(List.of("Created iptables chain -t filter VXLAB-FWD",
                "Restored iptables rule: -t filter -A VXLAB-FWD " + FWD.get(0),
                "Restored iptables rule: -t filter -A VXLAB-FWD " + FWD.get(1),
                "Restored iptables rule: -t filter -A FORWARD " + FWD_JUMP), changes);
        assertAllInPlace();
    }

    @Test
    void neverDuplicatesAJumpAcrossPassesAndRestarts() {
        ipt.run("nat", "-A POSTROUTING -o eth0 -j MASQUERADE");
        ipt.run("filter", "-A FORWARD -i docker0 -o docker0 -j ACCEPT");
        ensure();
        ensure();
        List<String> afterRestart = new IptablesManager(ipt).ensure(chainRules(NETWORK, SUBNET), JUMPS);

        assertEquals(List.of(), afterRestart);
        assertEquals(List.of(MASQ_JUMP, "-o eth0 -j MASQUERADE"), ipt.rules("nat", "POSTROUTING"));
        assertEquals(List.of(FWD_JUMP, "-i docker0 -o docker0 -j ACCEPT"), ipt.rules("filter", "FORWARD"));
    }

    @Test
    void aJumpBelowSomeoneElsesRuleStaysWhereItIs() {
        ensure();
        ipt.run("filter", "-I FORWARD 1 -j DOCKER-USER-LIKE");

        assertEquals(List.of(), ensure());
        assertEquals(List.of("-j DOCKER-USER-LIKE", FWD_JUMP), ipt.rules("filter", "FORWARD"));
    }

    @Test
    void stackedJumpsFromAnOlderAgentAreReducedToOne() {
        ensure();
        ipt.run("nat", "-A POSTROUTING " + MASQ_JUMP);
        ipt.run("nat", "-A POSTROUTING " + MASQ_JUMP);

        List<String> changes = ensure();

        assertEquals(2, changes.size());
        assertTrue(changes.stream().allMatch(c -> c.equals("Removed duplicate iptables rule: -t nat -A POSTROUTING " + MASQ_JUMP)));
        assertAllInPlace();
    }

    @Test
    void refillsAChainWhoseContentDiffers() {
        ensure();
        ipt.run("filter", "-A VXLAB-FWD -s 192.168.0.0/16 -j ACCEPT");
        ipt.run("nat", "-D VXLAB-POSTRTG " + MASQ.get(0));
        ipt.run("nat", "-A VXLAB-POSTRTG " + MASQ.get(0));
        ipt.restoreInputs.clear();

        List<String> changes = ensure();

        assertEquals(List.of(
                "Reordered iptables chain -t nat VXLAB-POSTRTG (same rules, other order or duplicates)",
                "Removed stale iptables rule: -t filter -A VXLAB-FWD -s 192.168.0.0/16 -j ACCEPT"), changes);
        assertAllInPlace();
        assertTrue(ipt.restoreInputs.get(0).contains(":VXLAB-POSTRTG - [0:0]\n"), "flushed and refilled in one transaction");
        assertFalse(ipt.restoreInputs.get(0).contains("-I POSTROUTING"), "the jump was in place");
    }

    @Test
    void aNewNetworkReplacesTheOldRules() {
        ensure();
        Ip4Net other = Ip4Net.parse("10.50.0.0/16");

        List<String> changes = manager.ensure(chainRules(other, Ip4Net.parse("10.50.7.0/24")), JUMPS);

        assertEquals(12, changes.size(), String.join("\n", changes)); // 4+2 added, 4+2 stale
        assertTrue(ipt.rules("nat", "VXLAB-POSTRTG").stream().allMatch(r -> r.contains("10.50.")));
        assertEquals(List.of("-s 10.50.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT",
                "-d 10.50.0.0/16 -m comment --comment \"vxlab forward\" -j ACCEPT"), ipt.rules("filter", "VXLAB-FWD"));
        assertEquals(1, ipt.rules("nat", "POSTROUTING").size());
    }

    @Test
    void refusesToManageAChainThatIsNotOurs() {
        IptablesRule inBuiltin = IptablesRule.of("nat", "POSTROUTING", "-j", "MASQUERADE");
        assertThrows(IllegalArgumentException.class, () -> manager.ensure(List.of(inBuiltin), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> manager.ensure(List.of(), List.of(IptablesRule.of("nat", "VXLAB-POSTRTG", "-j", "VXLAB-X"))));
        assertEquals(0, ipt.saves);
        assertEquals(List.of(), ipt.restoreInputs);
    }

    @Test
    void aRefusedRestoreIsThrownAndRetriedOnTheNextPass() {
        IptablesException refused = new IptablesException("iptables-restore failed", null);
        ipt.failNextRestore = refused;

        assertSame(refused, assertThrows(IptablesException.class, this::ensure));
        assertFalse(ipt.hasChain("nat", "VXLAB-POSTRTG"));

        ensure();
        assertAllInPlace();
    }

    @Test
    void removeDeletesOurJumpsAndChainsOnly() {
        ipt.run("nat", "-A POSTROUTING -o eth0 -j MASQUERADE");
        ensure();
        ipt.run("nat", "-A POSTROUTING " + MASQ_JUMP);

        List<String> removed = manager.remove();

        assertEquals(List.of(
                "Deleted iptables rule: -t nat -A POSTROUTING " + MASQ_JUMP,
                "Deleted iptables rule: -t nat -A POSTROUTING " + MASQ_JUMP,
                "Deleted iptables chain -t nat VXLAB-POSTRTG",
                "Deleted iptables rule: -t filter -A FORWARD " + FWD_JUMP,
                "Deleted iptables chain -t filter VXLAB-FWD"), removed);
        assertFalse(ipt.hasChain("nat", "VXLAB-POSTRTG"));
        assertFalse(ipt.hasChain("filter", "VXLAB-FWD"));
        assertEquals(List.of("-o eth0 -j MASQUERADE"), ipt.rules("nat", "POSTROUTING"));
        assertEquals(List.of(), ipt.rules("filter", "FORWARD"));
        assertEquals(List.of(), manager.remove());
    }

    @Test
    void afterRemoveRulesAreAddedAgainNotRestored() {
        ensure();
        manager.remove();
        assertTrue(ensure().stream().noneMatch(c -> c.startsWith("Restored")));
        assertAllInPlace();
    }
}
