package dev.vxlab.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ip4NetTest {

    private static Ip4Net net(String cidr) {
        return Ip4Net.parse(cidr);
    }

    private static Ip4 ip(String text) {
        return Ip4.parse(text);
    }

    @Test
    void parsesANetwork() {
        Ip4Net n = net("10.244.0.0/16");
        assertEquals(ip("10.244.0.0"), n.ip());
        assertEquals(16, n.prefixLen());
        assertEquals("10.244.0.0/16", n.toString());
    }

    @Test
    void parseRejectsHostBits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net("10.244.34.1/24"));
        assertEquals("\"10.244.34.1/24\" has host bits set; the network is 10.244.34.0/24", e.getMessage());
    }

    @Test
    void parseLooseKeepsTheAddressAsWritten() {
        Ip4Net n = Ip4Net.parseLoose("10.244.34.1/24");
        assertEquals(ip("10.244.34.1"), n.ip());
        assertEquals("10.244.34.1/24", n.toString());
        assertEquals(ip("10.244.34.0"), n.network());
        assertEquals(net("10.244.34.0/24"), n.canonical());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/100", "10.0.0.0/8/8"})
    void rejectsTextThatIsNotACidr(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4Net.parseLoose(text));
        assertEquals("not a CIDR (expected a.b.c.d/len): \"" + text + "\"", e.getMessage());
    }

    @Test
    void rejectsPrefixLengthsAbove32() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net("10.0.0.0/33"));
        assertEquals("prefix length 33 in \"10.0.0.0/33\" is not within 0..32", e.getMessage());
    }

    @Test
    void rejectsABadAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net("10.0.0.300/24"));
        assertTrue(e.getMessage().startsWith("not an IPv4 address: \"10.0.0.300\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net("/24"));
    }

    @Test
    void rejectsNull() {
        assertEquals("CIDR is missing", assertThrows(IllegalArgumentException.class, () -> Ip4Net.parseLoose(null)).getMessage());
    }

    @Test
    void theConstructorChecksThePrefixLength() {
        assertThrows(IllegalArgumentException.class, () -> new Ip4Net(ip("10.0.0.0"), -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ip4Net(ip("10.0.0.0"), 33));
        assertEquals("prefix length 33 is not within 0..32", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "0,  0",
        "1,  -2147483648",
        "8,  -16777216",
        "24, -256",
        "31, -2",
        "32, -1",
    })
    void masks(int prefixLen, int mask) {
        assertEquals(mask, Ip4Net.mask(prefixLen));
    }

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0/0,       4294967296, 255.255.255.255",
        "10.0.0.0/8,      16777216,   10.255.255.255",
        "10.244.0.0/16,   65536,      10.244.255.255",
        "10.244.34.0/24,  256,        10.244.34.255",
        "10.244.34.4/30,  4,          10.244.34.7",
        "10.244.34.9/32,  1,          10.244.34.9",
    })
    void sizeAndLast(String cidr, long size, String last) {
        assertEquals(size, net(cidr).size());
        assertEquals(ip(last), net(cidr).last());
    }

    @Test
    void lastOfALooseNetworkIsItsBroadcastAddress() {
        assertEquals(ip("10.244.34.255"), Ip4Net.parseLoose("10.244.34.17/24").last());
    }

    @Test
    void containsAnAddress() {
        Ip4Net n = net("10.244.0.0/16");
        assertTrue(n.contains(ip("10.244.0.0")));
        assertTrue(n.contains(ip("10.244.255.255")));
        assertFalse(n.contains(ip("10.245.0.0")));
        assertFalse(n.contains(ip("10.243.255.255")));
        assertTrue(net("0.0.0.0/0").contains(ip("200.1.2.3")));
        assertTrue(net("10.0.0.1/32").contains(ip("10.0.0.1")));
        assertFalse(net("10.0.0.1/32").contains(ip("10.0.0.2")));
    }

    @Test
    void containsANetwork() {
        Ip4Net n = net("10.244.0.0/16");
        assertTrue(n.contains(net("10.244.34.0/24")));
        assertTrue(n.contains(n));
        assertFalse(n.contains(net("10.0.0.0/8")), "a wider network is not contained");
        assertFalse(n.contains(net("10.245.0.0/24")));
        assertFalse(net("10.244.34.0/24").contains(net("10.244.0.0/16")));
    }

    @Test
    void overlapsIsSymmetric() {
        assertTrue(net("10.244.0.0/16").overlaps(net("10.244.34.0/24")));
        assertTrue(net("10.244.34.0/24").overlaps(net("10.244.0.0/16")));
        assertTrue(net("10.244.34.0/24").overlaps(net("10.244.34.0/24")));
        assertFalse(net("10.244.34.0/24").overlaps(net("10.244.35.0/24")));
        assertFalse(net("10.244.0.0/16").overlaps(net("10.245.0.0/16")));
        assertTrue(net("0.0.0.0/0").overlaps(net("192.168.0.0/16")));
        assertTrue(Ip4Net.parseLoose("10.244.34.7/24").overlaps(net("10.244.34.128/25")), "host bits do not matter");
    }

    @Test
    void nextIsTheFollowingNetworkOfTheSameSize() {
        assertEquals(net("10.244.35.0/24"), net("10.244.34.0/24").next());
        assertEquals(net("10.245.0.0/24"), net("10.244.255.0/24").next());
        assertEquals(net("10.244.34.4/30"), net("10.244.34.0/30").next());
        assertEquals(net("10.244.35.0/24"), Ip4Net.parseLoose("10.244.34.9/24").next(), "starts from the network address");
    }

    @Test
    void ordersByAddressThenPrefixLength() {
        List<Ip4Net> nets = new ArrayList<>(List.of(net("192.168.0.0/16"), net("10.244.1.0/24"), net("10.244.0.0/24"),
                net("10.244.0.0/16")));
        Collections.sort(nets);
        assertEquals("[10.244.0.0/16, 10.244.0.0/24, 10.244.1.0/24, 192.168.0.0/16]", nets.toString());
    }

    @Test
    void equalityIncludesTheAddressAsWritten() {
        assertEquals(net("10.244.34.0/24"), new Ip4Net(ip("10.244.34.0"), 24));
        assertFalse(net("10.244.34.0/24").equals(Ip4Net.parseLoose("10.244.34.1/24")));
        assertFalse(net("10.244.34.0/24").equals(net("10.244.34.0/25")));
    }
}
