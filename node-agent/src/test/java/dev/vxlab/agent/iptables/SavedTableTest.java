package dev.vxlab.agent.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SavedTableTest {

    static String fixture(String name) {
        try (InputStream in = SavedTableTest.class.getResourceAsStream("/iptables/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsOneTableOfRealIptablesSaveOutput() {
        String save = fixture("iptables-nft-1.8.9.save");
        SavedTable nat = SavedTable.parse("nat", save);
        assertEquals(List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "VXLAB-POSTRTG"), List.copyOf(nat.chainNames()));
        assertEquals(List.of(
                List.of("-m", "comment", "--comment", "vxlab masq", "-j", "VXLAB-POSTRTG"),
                List.of("-o", "eth0", "-j", "MASQUERADE")), nat.rules("POSTROUTING"));
        assertEquals(4, nat.rules("VXLAB-POSTRTG").size());
        assertFalse(nat.hasChain("VXLAB-FWD"));

        SavedTable filter = SavedTable.parse("filter", save);
        assertTrue(filter.hasChain("VXLAB-FWD"));
        assertEquals(List.of("-d", "10.244.0.0/16", "-m", "comment", "--comment", "vxlab forward", "-j", "ACCEPT"),
                filter.rules("VXLAB-FWD").get(1));
    }

    @Test
    void absentTableHasNoChains() {
        SavedTable t = SavedTable.parse("nat", "");
        assertTrue(t.chainNames().isEmpty());
        assertEquals(List.of(), t.rules("POSTROUTING"));
    }

    @Test
    void emptyUserChainExists() {
        SavedTable t = SavedTable.parse("nat", "*nat\n:POSTROUTING ACCEPT [0:0]\n:VXLAB-POSTRTG - [0:0]\nCOMMIT\n");
        assertTrue(t.hasChain("VXLAB-POSTRTG"));
        assertEquals(List.of(), t.rules("VXLAB-POSTRTG"));
    }

    @Test
    void quotedWordsWithEscapes() {
        assertEquals(List.of("-A", "X", "-m", "comment", "--comment", "say \"hi\" \\o/ it's", "-j", "RETURN"),
                SavedTable.words("-A X -m comment --comment \"say \\\"hi\\\" \\\\o/ it\\'s\" -j RETURN"));
        assertEquals(List.of("-A", "X", "--comment", ""), SavedTable.words("-A X --comment \"\""));
    }
}
