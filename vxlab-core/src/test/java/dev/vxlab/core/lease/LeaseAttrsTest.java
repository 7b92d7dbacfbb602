package dev.vxlab.core.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.lease.LeaseAttrs.NodeIdentity;
import dev.vxlab.core.net.Ip4;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseAttrsTest {
    /** The exact value flanneld v0.20.2 wrote to etcd for a vxlan lease (seen running against etcd 3.4). */
    private static final String FLANNELD_VXLAN = fixture("lease/flanneld-v0.20.2-vxlan.json");

    private static String fixture(String name) {
        try (InputStream in = LeaseAttrsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, "missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFixtureIsTheValueFlanneldWrites() {
        assertEquals("{\"PublicIP\":\"10.99.0.2\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:b5:dc:fa:0c:9a\"}}", FLANNELD_VXLAN);
    }

    // ---- flanneld -> vxlabd ----

    @Test
    void readsAFlanneldLease() {
        LeaseAttrs a = LeaseAttrs.fromJson(FLANNELD_VXLAN);
        assertEquals(Ip4.parse("10.99.0.2"), a.publicIp());
        assertNull(a.publicIpv6());
        assertEquals("vxlan", a.backendType());
        assertEquals("0e:b5:dc:fa:0c:9a", a.vtepMac());
        assertEquals(1, a.vni());
        assertNull(a.node(), "flanneld writes no identity");
        assertFalse(a.heldBy("kube1"));
    }

    @Test
    void readsALeaseWithMembersItDoesNotKnow() {
        LeaseAttrs a = LeaseAttrs.fromJson(fixture("lease/future-flanneld-extra-members.json"));
        assertEquals(Ip4.parse("10.99.0.3"), a.publicIp());
        assertEquals("fd00:99::3", a.publicIpv6());
        assertEquals("5a:2f:00:11:22:33", a.vtepMac());
        assertEquals(7, a.vni());
        assertNull(a.node());
    }

    @Test
    void readsAFlanneldHostGwLease() {
        LeaseAttrs a = LeaseAttrs.fromJson("{\"PublicIP\":\"10.99.0.4\",\"PublicIPv6\":null,\"BackendType\":\"host-gw\"}");
        assertEquals(Ip4.parse("10.99.0.4"), a.publicIp());
        assertEquals("host-gw", a.backendType());
        assertNull(a.backendData());
        assertNull(a.vtepMac());
        assertNull(a.vni());
    }

    // ---- vxlabd -> flanneld ----

    @Test
    void writesExactlyWhatFlanneldWritesWhenThereIsNoIdentity() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("10.99.0.2"), 1, "0e:b5:dc:fa:0c:9a", null);
        assertEquals(FLANNELD_VXLAN, a.toJson());
    }

    @Test
    void aFlanneldLeaseIsWrittenBackUnchanged() {
        assertEquals(FLANNELD_VXLAN, LeaseAttrs.fromJson(FLANNELD_VXLAN).toJson());
    }

    @Test
    void withIdentityTheFlannelMembersComeFirstAndVxlabFollows() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("10.99.0.2"), 1, "0e:b5:dc:fa:0c:9a", new NodeIdentity("kube1", "eth1"));
        String flannelPart = FLANNELD_VXLAN.substring(0, FLANNELD_VXLAN.length() - 1);
        assertEquals(flannelPart + ",\"Vxlab\":{\"NodeName\":\"kube1\",\"Interface\":\"eth1\"}}", a.toJson());
        assertEquals(List.of("PublicIP", "PublicIPv6", "BackendType", "BackendData", "Vxlab"),
                List.copyOf(Json.parseObject(a.toJson()).keySet()));
    }

    @Test
    void anIdentityWithoutInterfaceOmitsIt() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("10.99.0.2"), 1, "0e:b5:dc:fa:0c:9a", new NodeIdentity("kube1", null));
        assertTrue(a.toJson().endsWith(",\"Vxlab\":{\"NodeName\":\"kube1\"}}"), a.toJson());
    }

    @Test
    void theIdentityRoundTrips() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("192.168.56.11"), 7, "8e:b3:bc:05:d1:73", new NodeIdentity("kube1", "enp0s8"));
        LeaseAttrs back = LeaseAttrs.fromJson(a.toJson());
        assertEquals(new NodeIdentity("kube1", "enp0s8"), back.node());
        assertTrue(back.heldBy("kube1"));
        assertFalse(back.heldBy("kube2"));
        assertEquals(a, back);
    }

    @Test
    void theNodeIdIsWrittenAndReadBack() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("192.168.56.11"), 1, "8e:b3:bc:05:d1:73",
                new NodeIdentity("vm", "eth1", "5f0c6a1e2b3d4c5e6f708192a3b4c5d6"));
        assertTrue(a.toJson().endsWith(",\"Vxlab\":{\"NodeName\":\"vm\",\"Interface\":\"eth1\",\"NodeID\":\"5f0c6a1e2b3d4c5e6f708192a3b4c5d6\"}}"),
                a.toJson());
        assertEquals(a, LeaseAttrs.fromJson(a.toJson()));
    }

    // ---- sameNode: which lease is this node's ----

    private static LeaseAttrs node(String name, String ip, String id) {
        return LeaseAttrs.vxlan(Ip4.parse(ip), 1, "02:00:00:00:00:01", new NodeIdentity(name, "eth1", id));
    }

    private static final String ID_1 = "11111111111111111111111111111111";
    private static final String ID_2 = "22222222222222222222222222222222";

    @Test
    void sameNodeByNodeIdAndNameOrAddress() {
        LeaseAttrs me = node("vm", "192.168.56.11", ID_1);
        assertTrue(node("vm", "192.168.56.11", ID_1).sameNode(me), "restart");
        assertTrue(node("vm", "192.168.56.99", ID_1).sameNode(me), "address changed");
        assertTrue(node("kube1", "192.168.56.11", ID_1).sameNode(me), "renamed");
        assertFalse(node("kube1", "192.168.56.99", ID_1).sameNode(me), "one ID file given to two agents: name and address differ");
        assertFalse(node("vm", "192.168.56.12", ID_2).sameNode(me), "another machine with the same hostname");
        assertFalse(node("vm", "192.168.56.11", ID_2).sameNode(me), "another machine with the same hostname and address (NAT)");
    }

    @Test
    void sameNodeWithoutNodeIdNeedsNameAndAddress() {
        LeaseAttrs me = node("vm", "192.168.56.11", ID_1);
        assertTrue(node("vm", "192.168.56.11", null).sameNode(me), "written before node IDs");
        assertFalse(node("vm", "192.168.56.12", null).sameNode(me), "the name alone is not enough");
        assertFalse(node("kube1", "192.168.56.11", null).sameNode(me), "the address alone is not enough");
        assertFalse(LeaseAttrs.vxlan(Ip4.parse("192.168.56.11"), 1, "02:00:00:00:00:01", null).sameNode(me), "a flanneld lease");
    }

    @Test
    void aVxlabValueIsStillAFlannelValue() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("10.99.0.2"), 1, "0e:b5:dc:fa:0c:9a", new NodeIdentity("kube1", "eth1"));
        Map<String, Object> m = Json.parseObject(a.toJson());
        assertEquals("10.99.0.2", m.get("PublicIP"));
        assertTrue(m.containsKey("PublicIPv6"));
        assertNull(m.get("PublicIPv6"));
        assertEquals("vxlan", m.get("BackendType"));
        assertEquals(Map.of("VNI", 1L, "VtepMAC", "0e:b5:dc:fa:0c:9a"), m.get("BackendData"));
    }

    @Test
    void writesAHostGwLease() {
        LeaseAttrs a = LeaseAttrs.hostGw(Ip4.parse("10.99.0.4"), new NodeIdentity("kube3", "eth1"));
        assertEquals("{\"PublicIP\":\"10.99.0.4\",\"PublicIPv6\":null,\"BackendType\":\"host-gw\",\"BackendData\":null,"
                + "\"Vxlab\":{\"NodeName\":\"kube3\",\"Interface\":\"eth1\"}}", a.toJson());
        LeaseAttrs back = LeaseAttrs.fromJson(a.toJson());
        assertEquals("host-gw", back.backendType());
        assertNull(back.vtepMac());
        assertNull(back.vni());
        assertTrue(back.heldBy("kube3"));
    }

    @Test
    void theVniAndMacComeFromBackendData() {
        LeaseAttrs a = LeaseAttrs.vxlan(Ip4.parse("10.0.0.1"), 4096, "02:00:00:00:00:01", null);
        assertEquals(4096, a.vni());
        assertEquals("02:00:00:00:00:01", a.vtepMac());
        assertEquals(Map.of("VNI", 4096L, "VtepMAC", "02:00:00:00:00:01"), a.backendData());
    }

    @Test
    void oddBackendDataYieldsNoVniOrMac() {
        LeaseAttrs a = LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1.5,\"VtepMAC\":7}}");
        assertNull(a.vni());
        assertNull(a.vtepMac());
        LeaseAttrs notAnObject = LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"BackendData\":\"x\"}");
        assertNull(notAnObject.backendData());
        assertEquals("", notAnObject.backendType(), "a missing BackendType reads as empty");
    }

    @Test
    void anIdentityWithoutNodeNameIsIgnored() {
        assertNull(LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"Vxlab\":{\"Interface\":\"eth1\"}}").node());
        assertNull(LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"Vxlab\":\"kube1\"}").node());
        assertEquals(new NodeIdentity("kube1", null),
                LeaseAttrs.fromJson("{\"PublicIP\":\"10.0.0.1\",\"Vxlab\":{\"NodeName\":\"kube1\",\"Interface\":3}}").node());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"PublicIP\":\"10.0.0.1\"", "[]", "\"10.0.0.1\"", "null"})
    void valuesThatAreNotJsonObjectsAreRejected(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaseAttrs.fromJson(value));
        assertTrue(e.getMessage().startsWith("lease value is not JSON: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"PublicIP\":null,\"BackendType\":\"vxlan\"}",
        "{\"PublicIP\":\"10.99.0.300\"}",
        "{\"PublicIP\":\"fd00::2\"}",
        "{\"PublicIP\":167772161}",
        "{\"publicip\":\"10.99.0.2\"}",
    })
    void valuesWithoutAValidPublicIpAreRejected(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaseAttrs.fromJson(value));
        assertEquals("lease value has no valid PublicIP: " + value, e.getMessage());
    }
}
