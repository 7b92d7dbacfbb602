package dev.vxlab.orchestrator.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.doctor.rules.Rules;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every rule on recorded facts: the healthy quickstart gives no finding; each fault (an edit of the healthy
 * recording, or the recorded trap lab) makes its rule fire, with exactly the other rules that the same fault
 * really sets off (a lease deleted with its agent stopped also leaves routes to a subnet nobody holds).
 */
class DoctorTest {
    static Report examine(Fixtures f) {
        return new Doctor().examine(f.facts(), null);
    }

    static Set<String> rules(Report r) {
        return r.findings().stream().map(Finding::rule).collect(Collectors.toCollection(TreeSet::new));
    }

    static Finding only(Report r, String rule) {
        List<Finding> l = r.findings().stream().filter(x -> x.rule().equals(rule)).toList();
        assertEquals(1, l.size(), r.text());
        return l.get(0);
    }

    static void assertFires(Supplier<Fixtures> fixture, String... expected) {
        Report r = examine(fixture.get());
        assertEquals(new TreeSet<>(List.of(expected)), rules(r), r.text());
    }

    @Test
    void theHealthyQuickstartHasNoFinding() {
        Report r = examine(Fixtures.healthy());
        assertEquals(List.of(), r.findings(), r.text());
        assertFalse(r.hasErrors());
        assertEquals("doctor: lab quickstart (kube1, kube2, kube3): no problem found\n", r.text());
    }

    @Test
    void rulesHaveStableUniqueIdsInOrder() {
        List<String> ids = Rules.ALL.stream().map(Rule::id).toList();
        assertEquals(ids.stream().sorted().distinct().toList(), ids);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(String.format("VX%03d", i + 1), ids.get(i));
        }
    }

    // ---- VX001: the seed's trap ----

    @Test
    void theRecordedTrapLabIsVx001WithEth0AsEvidenceAndIfaceEth1AsTheFix() {
        Report r = examine(Fixtures.trap());
        Finding f = only(r, "VX001");
        assertEquals(Severity.ERROR, f.severity());
        assertEquals(Set.of("kube1", "kube2", "kube3"), Set.copyOf(f.nodes()));
        String evidence = f.evidence().toString();
        assertTrue(evidence.contains("\"PublicIP\":\"10.0.2.15\""), evidence);
        assertTrue(evidence.contains("Using interface with name eth0 and address 10.0.2.15"), evidence);
        assertTrue(evidence.contains("already advertises public IP 10.0.2.15"), evidence);
        assertTrue(f.fix().contains("--iface=eth1"), f.fix());
        assertTrue(f.explanation().contains("10.0.2.15"), f.explanation());
        assertTrue(f.summary().contains("a lease advertises 10.0.2.15, which is not on the underlay 192.168.56.0/24 (it is the NAT address"), f.summary());
        // the refused agents are down and hold no lease; and the spec's own prediction (VX016) still holds
        assertEquals(Set.of("VX001", "VX002", "VX003", "VX016"), rules(r), r.text());
        assertTrue(r.hasErrors());
    }

    @Test
    void aFlanneldSharingOneLeaseIsVx001() {
        // flanneld on eth0 everywhere: one key (no vxlab identity) for kube1's subnet, and kube2's subnet.env names it too
        Report r = examine(Fixtures.healthy().etcdFrom("flanneld-shared")
                .replace("kube2", "FLANNEL_SUBNET=10.244.6.1/24", "FLANNEL_SUBNET=10.244.134.1/24"));
        Finding f = only(r, "VX001");
        assertEquals(Set.of("kube1", "kube2"), Set.copyOf(f.nodes()), r.text());
        assertTrue(f.evidence().toString().contains("FLANNEL_SUBNET=10.244.134.1/24"), f.evidence().toString());
        // kube2's docker0 is still on its old subnet, and kube1/kube3 route nothing to kube2 (no lease of its own)
        // kube2's flannel.1 sends from .12 while "its" lease says .11
        assertEquals(Set.of("VX001", "VX005", "VX007", "VX008", "VX010"), rules(r), r.text());
        assertTrue(f.summary().contains("kube1 and kube2 have one subnet, 10.244.134.0/24 (one lease for two nodes)"), f.summary());
    }

    // ---- one fault each, edited into the healthy recording ----

    @Test
    void agentStoppedIsVx002() {
        assertFires(() -> Fixtures.healthy().node("kube2", t -> t.replaceFirst("running pid \\d+", "stopped")), "VX002");
    }

    @Test
    void leaseDeletedWithTheAgentStoppedIsVx003() {
        assertFires(() -> Fixtures.healthy().node("kube2", t -> t.replaceFirst("running pid \\d+", "stopped"))
                .etcd(j -> j.replaceAll("(?s),\\s*\\{\\s*\"key\": \"/coreos.com/network/subnets/10.244.6.0-24\".*?\\}(?=\\s*\\])", "")),
                "VX002", "VX003", "VX005", "VX007");
    }

    @Test
    void aLeaseAboutToExpireIsVx004() {
        Report r = examine(Fixtures.healthy().etcd(j -> j.replace("\"ttl\": 86303\n  }\n ]", "\"ttl\": 60\n  }\n ]")));
        Finding f = only(r, "VX004");
        assertEquals(Severity.WARNING, f.severity());
        assertEquals(List.of("kube2"), f.nodes());
        assertFalse(r.hasErrors());
    }

    @Test
    void aDeletedRouteIsVx005WithTheIpRouteCommandAsTheFix() {
        Report r = examine(Fixtures.healthy().replace("kube1", "{\"dst\":\"10.244.6.0/24\",\"gateway\":\"10.244.6.0\",\"dev\":\"flannel.1\",\"flags\":[\"onlink\"]},", ""));
        Finding f = only(r, "VX005");
        assertEquals(List.of("kube1"), f.nodes());
        assertTrue(f.summary().contains("no route on kube1 to 10.244.6.0/24 (kube2)"), f.summary());
        assertTrue(f.fix().startsWith("ip route replace 10.244.6.0/24 via 10.244.6.0 dev flannel.1 onlink"), f.fix());
        assertEquals(Set.of("VX005"), rules(r));
    }

    @Test
    void aStaleNeighbourMacIsVx006() {
        Report r = examine(Fixtures.healthy().replace("kube1", "\"dst\":\"10.244.6.0\",\"dev\":\"flannel.1\",\"lladdr\":\"32:55:1b:7c:12:6e\"",
                "\"dst\":\"10.244.6.0\",\"dev\":\"flannel.1\",\"lladdr\":\"0e:00:00:00:00:99\""));
        Finding f = only(r, "VX006");
        assertTrue(f.summary().contains("stale MAC 0e:00:00:00:00:99; kube2's lease says 32:55:1b:7c:12:6e"), f.summary());
        assertEquals(Set.of("VX006"), rules(r));
    }

    @Test
    void aStaleFdbPublicIpIsVx007() {
        Report r = examine(Fixtures.healthy().replace("kube1", "\"mac\":\"32:55:1b:7c:12:6e\",\"ifname\":\"flannel.1\",\"dst\":\"192.168.56.12\"",
                "\"mac\":\"32:55:1b:7c:12:6e\",\"ifname\":\"flannel.1\",\"dst\":\"192.168.56.99\""));
        Finding f = only(r, "VX007");
        assertTrue(f.summary().contains("sends kube2's VTEP 32:55:1b:7c:12:6e to 192.168.56.99, not to its public IP 192.168.56.12"), f.summary());
        assertTrue(f.fix().contains("bridge fdb del 32:55:1b:7c:12:6e dev flannel.1 dst 192.168.56.99"), f.fix());
        assertEquals(Set.of("VX007"), rules(r));
    }

    @Test
    void aWrongVniIsVx008() {
        Report r = examine(Fixtures.healthy().replace("kube1", "\"vxlan\",\"info_data\":{\"id\":1,", "\"vxlan\",\"info_data\":{\"id\":7,"));
        Finding f = only(r, "VX008");
        assertTrue(f.summary().contains("flannel.1 on kube1 has VNI 7 instead of 1"), f.summary());
        assertEquals(Set.of("VX008"), rules(r));
    }

    @Test
    void aMissingVxlanDeviceIsVx008() {
        assertFires(() -> Fixtures.healthy().node("kube3", t -> t.replace("\"ifname\":\"flannel.1\"", "\"ifname\":\"flannel.9\"")
                .replace("\"dev\":\"flannel.1\"", "\"dev\":\"flannel.9\"").replace("\"ifname\":\"flannel.1\"", "\"ifname\":\"flannel.9\"")),
                "VX005", "VX006", "VX007", "VX008");
    }

    @Test
    void aBridgeMtuAboveTheOverlaysIsVx009() {
        Report r = examine(Fixtures.healthy().replace("kube1", "\"ifname\":\"docker0\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1450",
                "\"ifname\":\"docker0\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500"));
        Finding f = only(r, "VX009");
        assertTrue(f.summary().contains("docker0 on kube1 has MTU 1500, more than flannel.1's 1450"), f.summary());
        assertTrue(f.fix().startsWith("ip link set docker0 mtu 1450"), f.fix());
    }

    @Test
    void aBridgeAddressOutsideTheSubnetIsVx010() {
        Report r = examine(Fixtures.healthy().replace("kube1", "\"local\":\"10.244.134.1\",\"prefixlen\":24", "\"local\":\"172.17.0.1\",\"prefixlen\":16"));
        Finding f = only(r, "VX010");
        assertTrue(f.summary().contains("docker0 on kube1 has 172.17.0.1/16, outside its FLANNEL_SUBNET 10.244.134.1/24"), f.summary());
        assertEquals(Set.of("VX010"), rules(r));
    }

    @Test
    void forwardPolicyDropWithNoAcceptIsVx011() {
        Report r = examine(Fixtures.healthy().node("kube1", t -> t.replace(":FORWARD ACCEPT", ":FORWARD DROP")
                .replaceAll("-A FORWARD [^\n]*\n", "")));
        Finding f = only(r, "VX011");
        assertTrue(f.evidence().get(0).lines().contains(":FORWARD DROP"), f.evidence().toString());
        assertEquals(Set.of("VX011"), rules(r));
    }

    @Test
    void forwardPolicyDropWithTheAgentsAcceptRulesIsFine() {
        assertFires(() -> Fixtures.healthy().replace("kube1", ":FORWARD ACCEPT", ":FORWARD DROP"));
    }

    @Test
    void udpToTheVxlanPortDroppedIsVx012() {
        Report r = examine(Fixtures.healthy().replace("kube2", ":VXLAB-FWD - [0:0]\n", ":VXLAB-FWD - [0:0]\n-A INPUT -p udp -m udp --dport 8472 -j DROP\n"));
        Finding f = only(r, "VX012");
        assertEquals(List.of("kube2"), f.nodes());
        assertEquals("iptables -D INPUT -p udp -m udp --dport 8472 -j DROP", f.fix());
    }

    @Test
    void etcdUnreachableFromANodeIsVx013() {
        assertFires(() -> Fixtures.healthy().replace("kube3", "192.168.56.1:2379 ok", "192.168.56.1:2379 unreachable"), "VX013");
    }

    @Test
    void aNetworkOverlappingAnInterfaceIsVx014() {
        Report r = examine(Fixtures.healthy().etcd(j -> j.replace("{\\\"Network\\\":\\\"10.244.0.0/16\\\"", "{\\\"Network\\\":\\\"192.168.0.0/16\\\"")));
        assertEquals(Set.of("VX014"), rules(r), r.text());
        assertEquals(3, r.findings().size(), "one per node's eth1");
    }

    @Test
    void udpChecksumErrorsAreVx015() {
        Report r = examine(Fixtures.healthy().replace("kube1", "Udp: 8 0 0 0 0 0 0 0 0", "Udp: 8 0 12 0 0 0 12 0 0"));
        Finding f = only(r, "VX015");
        assertTrue(f.summary().contains("dropped 12 UDP packets with bad checksums"), f.summary());
        assertEquals(Severity.WARNING, f.severity());
    }

    @Test
    void theTrapSpecIsPredictedByVx016BeforeAnythingStarts() {
        Report r = new Doctor().examine(LabFacts.staticOnly(Fixtures.trap().spec), null);
        Finding f = only(r, "VX016");
        assertTrue(f.fix().contains("--iface=eth1"), f.fix());
        assertTrue(r.text().startsWith("doctor: spec of lab eth0-trap (not up: static checks only): 1 error(s)"), r.text());
        assertEquals(List.of(), new Doctor().examine(LabFacts.staticOnly(Fixtures.healthy().spec), null).findings());
    }

    @Test
    void onALabThatIsUpVx016GoesByEachNodesOwnSysconfig() {
        Fixtures f = Fixtures.trap();
        for (String n : List.of("kube1", "kube2", "kube3")) {
            f.replace(n, "FLANNEL_OPTIONS=\"\"", "FLANNEL_OPTIONS=\"--iface=eth1\"");
        }
        assertFalse(rules(examine(f)).contains("VX016"), "mended on every node");
        Report one = examine(Fixtures.trap().replace("kube1", "FLANNEL_OPTIONS=\"\"", "FLANNEL_OPTIONS=\"--iface=eth1\""));
        assertEquals(List.of("kube2", "kube3"), only(one, "VX016").nodes());
    }

    @Test
    void anUnreachableNodeIsVx017AndTheOthersAreStillChecked() {
        Report r = examine(Fixtures.healthy().unreachable("kube3", "connect timed out")
                .replace("kube1", "{\"dst\":\"10.244.6.0/24\",\"gateway\":\"10.244.6.0\",\"dev\":\"flannel.1\",\"flags\":[\"onlink\"]},", ""));
        assertEquals(Set.of("VX005", "VX017"), rules(r), r.text());
        assertEquals(List.of("kube3"), only(r, "VX017").nodes());
    }

    @Test
    void onlyOneNodeWithNode() {
        Fixtures f = Fixtures.healthy().node("kube2", t -> t.replaceFirst("running pid \\d+", "stopped"));
        assertEquals(List.of(), new Doctor().examine(f.facts(), "kube1").findings());
        assertEquals(Set.of("VX002"), rules(new Doctor().examine(f.facts(), "kube2")));
    }

    @Test
    void theJsonReportCarriesEveryFieldOfAFinding() {
        String json = examine(Fixtures.trap()).json();
        assertTrue(json.startsWith("{\"lab\":\"eth0-trap\",\"live\":true,\"nodes\":[\"kube1\",\"kube2\",\"kube3\"],\"healthy\":false,\"findings\":[{\"rule\":\"VX001\",\"severity\":\"error\""), json);
        for (String key : List.of("\"summary\":", "\"evidence\":", "\"where\":", "\"command\":", "\"lines\":", "\"explanation\":", "\"fix\":")) {
            assertTrue(json.contains(key), key);
        }
    }

    static Report withMembers(String... healthOfEach) {
        LabFacts f = Fixtures.healthy().facts();
        List<EtcdFacts.Member> members = new java.util.ArrayList<>();
        for (int i = 0; i < healthOfEach.length; i++) {
            members.add(new EtcdFacts.Member("kube" + (i + 1), "kube" + (i + 1), "http://192.168.56.1" + (i + 1) + ":2379", healthOfEach[i], i == 0));
        }
        return new Doctor().examine(new LabFacts(f.spec(), f.nodes(), f.etcd().withMembers(members)), null);
    }

    @Test
    void anEtcdMemberDownIsAWarningWhileTheMajorityHoldsVx018() {
        assertEquals(Set.of(), rules(withMembers("healthy", "healthy", "healthy")));
        Finding f = only(withMembers("healthy", "healthy", "down"), "VX018");
        assertEquals(Severity.WARNING, f.severity());
        assertEquals("etcd member kube3 down: 2 of 3 members healthy, so 0 more may fail before the quorum is lost", f.summary());
        assertEquals(List.of("kube3"), f.nodes());
        assertTrue(f.fix().contains("starts the members that are down"), f.fix());
        assertTrue(f.evidence().get(0).lines().contains("kube3 on kube3 http://192.168.56.13:2379 down"), f.evidence().toString());
    }

    @Test
    void aLostQuorumIsAnErrorVx018() {
        Finding f = only(withMembers("no leader", "down", "down"), "VX018");
        assertEquals(Severity.ERROR, f.severity());
        assertEquals("etcd lost its quorum: 0 of 3 members healthy, 2 needed (kube1 no leader, kube2 down, kube3 down)", f.summary());
        assertTrue(f.explanation().contains("no lease can be renewed or taken"), f.explanation());
    }

    @Test
    void oneEtcdIsLeftToVx013() {
        assertEquals(Set.of(), rules(withMembers("down")));
    }
}
