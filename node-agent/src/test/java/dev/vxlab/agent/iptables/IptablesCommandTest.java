package dev.vxlab.agent.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IptablesCommandTest {

    @Test
    void waitAndRandomFullyNeedIptables162() {
        assertTrue(IptablesCommand.atLeast162("iptables v1.8.9 (nf_tables)"));
        assertTrue(IptablesCommand.atLeast162("iptables v1.8.7 (legacy)"));
        assertTrue(IptablesCommand.atLeast162("iptables v1.6.2"));
        assertTrue(IptablesCommand.atLeast162("iptables v2.0.0"));
        assertFalse(IptablesCommand.atLeast162("iptables v1.6.1"));
        assertFalse(IptablesCommand.atLeast162("iptables v1.4.21")); // CentOS 7
        assertFalse(IptablesCommand.atLeast162(""));
    }

    @Test
    void restoreFailureNamesTheTableWhenNfTablesBlamesCommit() {
        // what iptables-restore v1.8.9 (nf_tables) printed here for this input: the error surfaces at COMMIT
        String input = "*nat\n:VXLAB-POSTRTG - [0:0]\n-A VXLAB-POSTRTG -j NOSUCHTARGET\nCOMMIT\n";
        String nft = "iptables-restore v1.8.9 (nf_tables): Chain 'NOSUCHTARGET' does not exist\nError occurred at line: 4\n"
                + "Try `iptables-restore -h' or 'iptables-restore --help' for more information.\n";
        assertEquals("iptables-restore v1.8.9 (nf_tables): Chain 'NOSUCHTARGET' does not exist; while committing table nat",
                IptablesCommand.describeFailure(nft, input));
    }

    @Test
    void restoreFailureNamesTheInputLineWhenGivenOne() {
        // what iptables-restore v1.8.9 (legacy) printed here: the failing rule's own line
        String input = "*nat\n:VXLAB-A - [0:0]\n-A VXLAB-A -j NOSUCH\n-A VXLAB-A -j RETURN\nCOMMIT\n";
        String legacy = "iptables-restore v1.8.9 (legacy): Couldn't load target `NOSUCH':No such file or directory\n\n"
                + "Error occurred at line: 3\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n";
        assertEquals("iptables-restore v1.8.9 (legacy): Couldn't load target `NOSUCH':No such file or directory;"
                + " input line 3: -A VXLAB-A -j NOSUCH", IptablesCommand.describeFailure(legacy, input));
        assertEquals("no output", IptablesCommand.describeFailure("", input));
    }
}
