package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdClusterTest {

    static List<String> flags(String provider, String etcd, int member) {
        LabSpec s = EtcdTlsTest.spec(provider, etcd);
        List<EtcdCluster.Member> members = EtcdCluster.members(s);
        return EtcdCluster.flags(s, members, members.get(member), "/d", EtcdTls.NODE_DIR);
    }

    @Test
    void aSingleMemberElectsItselfWithinTwoHundredMilliseconds() {
        String here = String.join(" ", flags("netns", "{mode: process}", 0));
        assertTrue(here.contains("--heartbeat-interval 20 --election-timeout 200"), here);
        List<String> onNode = flags("ssh", "{mode: process, on: kube2}", 0);
        assertEquals(1, Collections.frequency(onNode, "--election-timeout"), String.join(" ", onNode));
    }

    @Test
    void membersOfARealClusterKeepEtcdsDefaultTimingForTheirPeers() {
        for (int m = 0; m < 3; m++) {
            String three = String.join(" ", flags("netns", "{mode: process, members: 3}", m));
            assertFalse(three.contains("--heartbeat-interval") || three.contains("--election-timeout"), three);
        }
    }
}
