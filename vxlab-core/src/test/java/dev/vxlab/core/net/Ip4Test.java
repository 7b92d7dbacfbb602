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

class Ip4Test {

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0,         0",
        "10.244.34.1,     183771649",
        "192.168.56.11,   3232249867",
        "255.255.255.255, 4294967295",
    })
    void parsesDottedQuads(String text, long unsigned) {
        Ip4 ip = Ip4.parse(text);
        assertEquals(unsigned, ip.unsigned());
        assertEquals(text, ip.toString());
    }

    @Test
    void highAddressesAreNegativeBitsButPositiveUnsigned() {
        Ip4 ip = Ip4.parse("192.168.0.1");
        assertTrue(ip.bits() < 0);
        assertEquals(0xC0A80001L, ip.unsigned());
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(Ip4.parse("10.0.0.1"), Ip4.parse(" 10.0.0.1\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.1.2", "10..0.1", "10.0.0.", ".10.0.0", "a.b.c.d", "10.0.0.1/24",
        "10.0.0.-1", "10.0.0.+1", "1000.0.0.1", "::1", "10.0.0.1:80", "10.0 .0.1"})
    void rejectsTextThatIsNotAnAddress(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4.parse(text));
        assertEquals("not an IPv4 address: \"" + text + "\"", e.getMessage());
        assertFalse(Ip4.isValid(text));
    }

    @Test
    void rejectsOctetsAbove255() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4.parse("10.0.0.256"));
        assertEquals("not an IPv4 address: \"10.0.0.256\" (octet 256 > 255)", e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertEquals("IPv4 address is missing", assertThrows(IllegalArgumentException.class, () -> Ip4.parse(null)).getMessage());
        assertFalse(Ip4.isValid(null));
    }

    @Test
    void isValidAcceptsAddresses() {
        assertTrue(Ip4.isValid("127.0.0.1"));
        assertTrue(Ip4.isValid("0.0.0.0"));
    }

    @Test
    void ofBuildsFromNetworkOrderBytes() {
        assertEquals(Ip4.parse("192.168.56.254"), Ip4.of(new byte[] {(byte) 192, (byte) 168, 56, (byte) 254}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4.of(new byte[16]));
        assertEquals("IPv4 address needs 4 octets, got 16", e.getMessage());
    }

    @Test
    void plusAddsAcrossOctetsAndWrapsAround() {
        assertEquals(Ip4.parse("10.244.1.0"), Ip4.parse("10.244.0.255").plus(1));
        assertEquals(Ip4.parse("10.245.0.0"), Ip4.parse("10.244.0.0").plus(65536));
        assertEquals(Ip4.parse("127.255.255.255"), Ip4.parse("128.0.0.0").plus(-1));
        assertEquals(Ip4.parse("0.0.0.1"), Ip4.parse("255.255.255.255").plus(2));
    }

    @Test
    void loopbackAndLinkLocal() {
        assertTrue(Ip4.parse("127.0.0.1").isLoopback());
        assertTrue(Ip4.parse("127.255.0.9").isLoopback());
        assertFalse(Ip4.parse("128.0.0.1").isLoopback());
        assertTrue(Ip4.parse("169.254.3.4").isLinkLocal());
        assertFalse(Ip4.parse("169.253.3.4").isLinkLocal());
        assertFalse(Ip4.parse("10.0.2.15").isLinkLocal());
    }

    @Test
    void ordersAsUnsignedNumbers() {
        List<Ip4> ips = new ArrayList<>(List.of(Ip4.parse("192.168.0.1"), Ip4.parse("10.0.0.2"), Ip4.parse("255.0.0.0"),
                Ip4.parse("10.0.0.1"), Ip4.parse("127.0.0.1")));
        Collections.sort(ips);
        assertEquals("[10.0.0.1, 10.0.0.2, 127.0.0.1, 192.168.0.1, 255.0.0.0]", ips.toString());
        assertEquals(0, Ip4.parse("1.2.3.4").compareTo(Ip4.parse("1.2.3.4")));
    }

    @Test
    void equalByValue() {
        assertEquals(Ip4.parse("10.0.0.1"), new Ip4(0x0a000001));
        assertEquals(Ip4.parse("10.0.0.1").hashCode(), new Ip4(0x0a000001).hashCode());
    }
}
