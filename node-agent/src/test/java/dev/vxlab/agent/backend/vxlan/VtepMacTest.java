package dev.vxlab.agent.backend.vxlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VtepMacTest {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    @Test
    void theSameNameAlwaysGivesTheSameMac() {
        assertEquals(VtepMac.forNode("kube1"), VtepMac.forNode("kube1"));
    }

    @Test
    void theMacDoesNotChangeAcrossVersions() {
        // Peers keep the MAC in their FDB (flannel #1795): changing the derivation would break them on upgrade.
        assertEquals("8e:b3:bc:05:d1:73", VtepMac.forNode("kube1"));
        assertEquals("c2:82:3f:12:65:92", VtepMac.forNode("node-a"));
    }

    @Test
    void differentNamesGiveDifferentMacs() {
        assertNotEquals(VtepMac.forNode("kube1"), VtepMac.forNode("kube2"));
        assertNotEquals(VtepMac.forNode("kube1"), VtepMac.forNode("Kube1"));
        Set<String> macs = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            macs.add(VtepMac.forNode("node-" + i));
        }
        assertEquals(1000, macs.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kube1", "kube2", "node-a", "vagrant", "a", "worker-17.example.com", ""})
    void isALocallyAdministeredUnicastMac(String name) {
        String mac = VtepMac.forNode(name);
        assertTrue(MAC.matcher(mac).matches(), mac);
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        assertEquals(0, first & 0x01, "unicast: " + mac);
        assertEquals(0x02, first & 0x02, "locally administered: " + mac);
    }

    @Test
    void everyFirstOctetHasTheBitsSetWhateverTheHash() {
        for (int i = 0; i < 256; i++) {
            int first = Integer.parseInt(VtepMac.forNode("n" + i).substring(0, 2), 16);
            assertEquals(0x02, first & 0x03, "n" + i);
        }
    }
}
