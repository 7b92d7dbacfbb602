package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.BackendType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkConfigTest {
    private static final String KEY = "/coreos.com/network/config";

    // ---- helpers ----

    static String fixture(String name) {
        try (InputStream in = NetworkConfigTest.class.getResourceAsStream("/netconfig/" + name)) {
            assertNotNull(in, "missing fixture netconfig/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static NetworkConfig parse(String json) {
        return NetworkConfig.parse(KEY, json);
    }

    private static NetworkConfigException invalid(String json) {
        return assertThrows(NetworkConfigException.class, () -> NetworkConfig.parse(KEY, json));
    }

    /** Some problem contains every fragment (the field and the rule), and the exception message carries it too. */
    private static String assertProblem(NetworkConfigException e, String... fragments) {
        for (String p : e.problems()) {
            if (Arrays.stream(fragments).allMatch(p::contains)) {
                assertTrue(e.getMessage().contains(p), "message should carry the problem: " + e.getMessage());
                return p;
            }
        }
        fail("no problem contains all of " + Arrays.toString(fragments) + "; problems: " + e.problems());
        return null;
    }

    private static Ip4 ip(String s) {
        return Ip4.parse(s);
    }

    private static Ip4Net net(String s) {
        return Ip4Net.parse(s);
    }

    // ---- defaults ----

    @Test
    void onlyNetworkGivenAppliesFlannelDefaultsAndVxlan() {
        NetworkConfig c = parse(fixture("minimal.json"));
        assertEquals(net("10.244.0.0/16"), c.network());
        assertEquals(24, c.subnetLen());
        assertEquals(ip("10.244.1.0"), c.subnetMin(), "SubnetMin defaults to the second subnet");
        assertEquals(ip("10.244.255.0"), c.subnetMax(), "SubnetMax defaults to the last subnet");
        assertEquals(new NetworkConfig.Backend(BackendType.VXLAN, 1, 8472, false), c.backend());
        assertTrue(c.backendDefaulted(), "Backend absent: vxlab says it defaulted to vxlan");
        assertEquals(255, c.subnetCount());
    }

    @Test
    void flannelsDocumentedExampleParsesAsWritten() {
        NetworkConfig c = parse(fixture("flannel-docs.json"));
        assertEquals(net("10.244.0.0/16"), c.network());
        assertEquals(24, c.subnetLen());
        assertEquals(ip("10.244.1.0"), c.subnetMin());
        assertEquals(ip("10.244.255.0"), c.subnetMax());
        assertEquals(new NetworkConfig.Backend(BackendType.VXLAN, 1, 8472, false), c.backend());
        assertFalse(c.backendDefaulted(), "an explicit Backend is not a default");
    }

    @Test
    void explicitValuesAreKept() {
        NetworkConfig c = parse(fixture("custom-vxlan.json"));
        assertEquals(net("172.30.0.0/16"), c.network());
        assertEquals(26, c.subnetLen());
        assertEquals(ip("172.30.10.0"), c.subnetMin());
        assertEquals(ip("172.30.20.192"), c.subnetMax());
        assertEquals(new NetworkConfig.Backend(BackendType.VXLAN, 4096, 4789, true), c.backend());
        assertFalse(c.backendDefaulted());
        // (172.30.20.192 - 172.30.10.0) / 64 + 1
        assertEquals(44, c.subnetCount());
    }

    @Test
    void hostGwBackend() {
        NetworkConfig c = parse(fixture("host-gw.json"));
        assertEquals(BackendType.HOST_GW, c.backend().type());
        assertFalse(c.backendDefaulted());
        assertEquals(24, c.subnetLen(), "a /22 still gets /24 subnets");
        assertEquals(ip("10.50.1.0"), c.subnetMin());
        assertEquals(ip("10.50.3.0"), c.subnetMax());
        assertEquals(3, c.subnetCount());
    }

    @Test
    void smallNetworkIsSplitInFour() {
        NetworkConfig c = parse(fixture("small-network.json"));
        assertEquals(28, c.subnetLen(), "/26 network: prefix + 2");
        assertEquals(ip("192.168.100.16"), c.subnetMin());
        assertEquals(ip("192.168.100.48"), c.subnetMax());
        assertEquals(3, c.subnetCount());
    }

    @ParameterizedTest(name = "Network /{0} -> SubnetLen {1}")
    @CsvSource({"8, 24", "16, 24", "21, 24", "22, 24", "23, 25", "24, 26", "26, 28", "28, 30"})
    void defaultSubnetLen(int prefix, int expected) {
        NetworkConfig c = parse("{\"Network\":\"" + new Ip4Net(ip("10.0.0.0"), prefix) + "\"}");
        assertEquals(expected, c.subnetLen());
        long subnet = 1L << (32 - expected);
        assertEquals(ip("10.0.0.0").plus(subnet), c.subnetMin(), "second subnet");
        assertEquals(ip("10.0.0.0").plus((1L << (32 - prefix)) - subnet), c.subnetMax(), "last subnet");
        assertEquals((1L << (expected - prefix)) - 1, c.subnetCount());
    }

    @Test
    void subnetLenZeroMeansDefault() {
        assertEquals(24, parse("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":0}").subnetLen());
        assertEquals(25, parse("{\"Network\":\"10.0.0.0/23\",\"SubnetLen\":0}").subnetLen());
    }

    @Test
    void subnetLenAtPrefixPlusTwoIsAccepted() {
        NetworkConfig c = parse("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":18}");
        assertEquals(18, c.subnetLen());
        assertEquals(ip("10.244.64.0"), c.subnetMin());
        assertEquals(ip("10.244.192.0"), c.subnetMax());
        assertEquals(3, c.subnetCount());
    }

    @Test
    void subnetLenThirtyIsAccepted() {
        NetworkConfig c = parse("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":30}");
        assertEquals(30, c.subnetLen());
        assertEquals(ip("10.244.0.4"), c.subnetMin());
        assertEquals(ip("10.244.255.252"), c.subnetMax());
        assertEquals(16383, c.subnetCount());
    }

    @Test
    void networkWithHostBitsIsTakenAsItsNetwork() {
        assertEquals(net("10.244.0.0/16"), parse("{\"Network\":\"10.244.7.9/16\"}").network());
    }

    @Test
    void vniDefaultsToOne() {
        assertEquals(1, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}").backend().vni());
        assertEquals(1, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":0}}").backend().vni());
        assertEquals(16777215, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"VNI\":16777215}}").backend().vni());
    }

    @Test
    void portZeroOrAbsentMeans8472() {
        assertEquals(8472, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}").backend().port());
        assertEquals(8472, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"Port\":0}}").backend().port());
        assertEquals(65535, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Port\":65535}}").backend().port());
        assertEquals(1, parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Port\":1}}").backend().port());
    }

    @Test
    void backendWithoutTypeIsVxlanButNotFlaggedAsDefaulted() {
        NetworkConfig c = parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"VNI\":7}}");
        assertEquals(BackendType.VXLAN, c.backend().type());
        assertEquals(7, c.backend().vni());
        assertFalse(c.backendDefaulted());
    }

    @Test
    void directRoutingTrue() {
        assertTrue(parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}")
                .backend().directRouting());
    }

    // ---- validation: Network ----

    @Test
    void missingNetwork() {
        NetworkConfigException e = invalid("{\"SubnetLen\":24}");
        assertProblem(e, "Network", "required");
        assertTrue(e.getMessage().startsWith("invalid network config at " + KEY + ": "), e.getMessage());
        assertTrue(e.hint().contains("etcdctl put " + KEY), e.hint());
    }

    @Test
    void nullNetworkIsMissing() {
        assertProblem(invalid("{\"Network\":null}"), "Network", "required");
    }

    @Test
    void nonStringNetwork() {
        assertProblem(invalid("{\"Network\":10}"), "Network", "must be a CIDR string", "the number 10");
        assertProblem(invalid("{\"Network\":[\"10.0.0.0/8\"]}"), "Network", "must be a CIDR string", "an array");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.244.0.0       | not a CIDR",
        "10.244.0.0/      | not a CIDR",
        "10.244.0.0/x     | not a CIDR",
        "10.244.0.0/33    | prefix length 33",
        "10.300.0.0/16    | not an IPv4 address",
        "10.244.0/16      | not an IPv4 address",
    })
    void badCidr(String cidr, String rule) {
        NetworkConfigException e = invalid("{\"Network\":\"" + cidr + "\"}");
        assertProblem(e, "Network:", rule);
        assertEquals(1, e.problems().size(), "a bad Network hides the checks that depend on it: " + e.problems());
    }

    @Test
    void networkTooSmall() {
        assertProblem(invalid("{\"Network\":\"10.0.0.0/29\"}"), "Network 10.0.0.0/29", "too small");
        assertProblem(invalid("{\"Network\":\"10.0.0.0/29\",\"SubnetLen\":31}"), "Network 10.0.0.0/29", "too small");
    }

    // ---- validation: SubnetLen ----

    @Test
    void subnetLenAboveThirty() {
        assertProblem(invalid("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":31}"), "SubnetLen 31", "at most 30");
        assertProblem(invalid("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":32}"), "SubnetLen 32", "at most 30");
    }

    @Test
    void subnetLenBelowPrefixPlusTwo() {
        String p = assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":17}"), "SubnetLen 17", "at least", "/18");
        assertTrue(p.contains("prefix + 2"), p);
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":16}"), "SubnetLen 16", "at least", "/18");
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":-1}"), "SubnetLen -1", "at least");
    }

    @Test
    void nonIntegerSubnetLen() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":\"24\"}"), "SubnetLen", "whole number", "the string \"24\"");
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":24.5}"), "SubnetLen", "whole number", "24.5");
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":true}"), "SubnetLen", "whole number", "boolean");
    }

    // ---- validation: SubnetMin / SubnetMax ----

    @Test
    void subnetMinOutsideNetwork() {
        NetworkConfigException e = invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.245.0.0\"}");
        assertProblem(e, "SubnetMin 10.245.0.0", "outside Network 10.244.0.0/16");
        assertEquals(1, e.problems().size(), e.problems().toString());
    }

    @Test
    void subnetMaxOutsideNetwork() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMax\":\"10.243.255.0\"}"),
                "SubnetMax 10.243.255.0", "outside Network 10.244.0.0/16");
    }

    @Test
    void subnetMinNotOnBoundary() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.1.1\"}"),
                "SubnetMin 10.244.1.1", "not on a /24 subnet boundary", "SubnetLen", "starts at 10.244.1.0");
    }

    @Test
    void subnetMaxNotOnBoundaryOfAnExplicitSubnetLen() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":26,\"SubnetMax\":\"10.244.9.96\"}"),
                "SubnetMax 10.244.9.96", "not on a /26 subnet boundary", "starts at 10.244.9.64");
    }

    @Test
    void subnetMinAboveMax() {
        NetworkConfigException e = invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.20.0\",\"SubnetMax\":\"10.244.10.0\"}");
        assertProblem(e, "SubnetMin 10.244.20.0", "above", "SubnetMax 10.244.10.0");
    }

    @Test
    void subnetMinAboveDefaultMaxInTheUpperHalfOfTheAddressSpace() {
        // 192.x has the sign bit set: the comparison must be unsigned
        assertProblem(invalid("{\"Network\":\"192.168.0.0/16\",\"SubnetMin\":\"192.168.20.0\",\"SubnetMax\":\"192.168.10.0\"}"),
                "SubnetMin 192.168.20.0", "above");
        NetworkConfig ok = parse("{\"Network\":\"192.168.0.0/16\",\"SubnetMin\":\"192.168.10.0\",\"SubnetMax\":\"192.168.20.0\"}");
        assertEquals(11, ok.subnetCount());
    }

    @Test
    void subnetMinEqualToMaxIsOneSubnet() {
        NetworkConfig c = parse("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.7.0\",\"SubnetMax\":\"10.244.7.0\"}");
        assertEquals(1, c.subnetCount());
    }

    @Test
    void subnetMinNotAnAddress() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.1\"}"), "SubnetMin", "IPv4 address string");
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"SubnetMax\":167772160}"), "SubnetMax", "IPv4 address string", "the number");
    }

    // ---- validation: Backend ----

    @Test
    void unknownBackendTypeListsTheSupportedOnes() {
        NetworkConfigException e = invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"udp\"}}");
        String p = assertProblem(e, "Backend.Type", "\"udp\"", "not supported");
        assertTrue(p.contains("[host-gw, vxlan]"), p);
    }

    @Test
    void backendTypeNotAString() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":1}}"), "Backend.Type", "must be a string");
    }

    @Test
    void backendNotAnObject() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":\"vxlan\"}"), "Backend", "must be an object", "\"vxlan\"");
    }

    @ParameterizedTest
    @CsvSource({"16777216", "-1", "99999999"})
    void vniOutOfRange(long vni) {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":" + vni + "}}"),
                "Backend.VNI " + vni, "out of range", "16777215");
    }

    @Test
    void vniFarOutOfRangeIsCalledOutOfRange() {
        // beyond a Java int; still a whole number, so "must be a whole number" would be wrong
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":4294967297}}"),
                "Backend.VNI", "4294967297", "out of range");
    }

    @Test
    void vniNotANumber() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"VNI\":\"1\"}}"), "Backend.VNI", "whole number");
    }

    @ParameterizedTest
    @CsvSource({"65536", "-1", "70000"})
    void portOutOfRange(int port) {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"Port\":" + port + "}}"),
                "Backend.Port " + port, "not a UDP port", "1..65535");
    }

    @Test
    void portNotANumber() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Port\":\"8472\"}}"), "Backend.Port", "whole number");
    }

    @Test
    void directRoutingNotBoolean() {
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":\"true\"}}"),
                "Backend.DirectRouting", "true or false", "the string \"true\"");
        assertProblem(invalid("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"DirectRouting\":1}}"),
                "Backend.DirectRouting", "true or false");
    }

    // ---- invalid JSON ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"Network\":",
        "{\"Network\":\"10.244.0.0/16\",}",
        "{Network:\"10.244.0.0/16\"}",
        "{\"Network\":\"10.244.0.0/16\"} trailing",
        "[]",
        "\"10.244.0.0/16\"",
    })
    void invalidJson(String json) {
        NetworkConfigException e = invalid(json);
        assertEquals(1, e.problems().size());
        assertProblem(e, "not valid JSON");
        assertTrue(e.getMessage().contains(KEY), e.getMessage());
    }

    @Test
    void emptyTextIsInvalidJson() {
        assertProblem(invalid(""), "not valid JSON");
    }

    // ---- several problems at once ----

    @Test
    void everyProblemIsReportedAtOnce() {
        NetworkConfigException e = invalid(fixture("many-problems.json"));
        assertProblem(e, "SubnetLen", "whole number");
        assertProblem(e, "SubnetMin 10.245.0.0", "outside Network");
        assertProblem(e, "SubnetMax 10.244.3.7", "not on a /24 subnet boundary");
        assertProblem(e, "Backend.Type \"udp\"", "not supported");
        assertProblem(e, "Backend.VNI 16777216", "out of range");
        assertProblem(e, "Backend.Port 70000", "not a UDP port");
        assertProblem(e, "Backend.DirectRouting", "true or false");
        assertEquals(7, e.problems().size(), e.problems().toString());
        assertEquals("invalid network config at " + KEY + ": " + String.join("; ", e.problems()), e.getMessage());
    }

    @Test
    void missingNetworkAndBadBackendTogether() {
        NetworkConfigException e = invalid("{\"Backend\":{\"Type\":\"wireguard\",\"Port\":-5}}");
        assertProblem(e, "Network", "required");
        assertProblem(e, "Backend.Type \"wireguard\"", "not supported");
        assertProblem(e, "Backend.Port -5");
        assertEquals(3, e.problems().size(), e.problems().toString());
    }

    @Test
    void problemsListIsImmutable() {
        NetworkConfigException e = invalid("{}");
        assertThrows(UnsupportedOperationException.class, () -> e.problems().add("x"));
    }

    // ---- subnetCount, inRange (containerMtu: BackendsTest) ----

    @Test
    void subnetCountOfAWideNetwork() {
        assertEquals(65535, parse("{\"Network\":\"10.0.0.0/8\"}").subnetCount());
        assertEquals(16777215, parse("{\"Network\":\"0.0.0.0/0\"}").subnetCount());
        assertEquals(255, parse("{\"Network\":\"192.168.0.0/16\"}").subnetCount());
    }

    @Test
    void inRange() {
        NetworkConfig c = parse(fixture("minimal.json"));
        assertTrue(c.inRange(net("10.244.1.0/24")), "SubnetMin itself");
        assertTrue(c.inRange(net("10.244.34.0/24")));
        assertTrue(c.inRange(net("10.244.255.0/24")), "SubnetMax itself");
        assertFalse(c.inRange(net("10.244.0.0/24")), "the first subnet is below SubnetMin");
        assertFalse(c.inRange(net("10.245.0.0/24")), "outside Network");
        assertFalse(c.inRange(net("10.243.255.0/24")), "outside Network");
        assertFalse(c.inRange(net("10.244.34.0/25")), "another prefix length");
        assertFalse(c.inRange(net("10.244.34.0/23")), "another prefix length");
        assertFalse(c.inRange(new Ip4Net(ip("10.244.34.128"), 24)), "not a network address");
    }

    @Test
    void inRangeHonoursExplicitBounds() {
        NetworkConfig c = parse(fixture("custom-vxlan.json"));
        assertFalse(c.inRange(net("172.30.9.192/26")));
        assertTrue(c.inRange(net("172.30.10.0/26")));
        assertTrue(c.inRange(net("172.30.15.64/26")));
        assertTrue(c.inRange(net("172.30.20.192/26")));
        assertFalse(c.inRange(net("172.30.21.0/26")));
        assertFalse(c.inRange(net("172.30.15.0/24")));
    }

    @Test
    void inRangeInTheUpperHalfOfTheAddressSpace() {
        NetworkConfig c = parse("{\"Network\":\"192.168.0.0/16\",\"SubnetMin\":\"192.168.10.0\",\"SubnetMax\":\"192.168.20.0\"}");
        assertTrue(c.inRange(net("192.168.10.0/24")));
        assertTrue(c.inRange(net("192.168.20.0/24")));
        assertFalse(c.inRange(net("192.168.21.0/24")));
        assertFalse(c.inRange(net("10.168.15.0/24")));
    }

    @Test
    void backendsAreTheOnesFlannelUsersExpect() {
        assertEquals(List.of("host-gw", "vxlan"), NetworkConfig.BACKENDS.stream().sorted().toList());
    }
}
