package dev.vxlab.agent.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.iface.InterfaceInventory.RouteHint;
import dev.vxlab.core.net.Ip4;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SystemInventoryTest {

    private static String fixture(String name) {
        try (InputStream in = SystemInventoryTest.class.getResourceAsStream("/proc/" + name)) {
            assertNotNull(in, "missing fixture proc/" + name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- /proc/net/route ----

    @Test
    void vagrantDefaultRouteIsOnEth0() {
        assertEquals(Optional.of("eth0"), SystemInventory.parseDefaultRoute(fixture("route-vagrant.txt")));
    }

    @Test
    void lowestMetricUpDefaultRouteWins() {
        // wlan0 metric 600, eth9 metric 10 but not up (flags 0002), eth1 metric 101
        assertEquals(Optional.of("eth1"), SystemInventory.parseDefaultRoute(fixture("route-two-defaults.txt")));
    }

    @Test
    void noDefaultRoute() {
        // tun0 has destination 0.0.0.0 with a /1 mask: half the address space, not the default route
        assertEquals(Optional.empty(), SystemInventory.parseDefaultRoute(fixture("route-no-default.txt")));
    }

    @Test
    void headerOnlyOrEmpty() {
        String header = fixture("route-vagrant.txt").lines().findFirst().orElseThrow() + "\n";
        assertEquals(Optional.empty(), SystemInventory.parseDefaultRoute(header));
        assertEquals(Optional.empty(), SystemInventory.parseDefaultRoute(""));
    }

    @Test
    void crlfLineEndingsAreTolerated() {
        String crlf = fixture("route-vagrant.txt").replace("\n", "\r\n");
        assertEquals(Optional.of("eth0"), SystemInventory.parseDefaultRoute(crlf));
    }

    // ---- ip -o route get ----

    private static List<String> routeGetLines() {
        List<String> lines = fixture("ip-route-get.txt").lines().toList();
        assertEquals(4, lines.size());
        return lines;
    }

    @Test
    void routeGetOnLink() {
        assertEquals(Optional.of(new RouteHint("eth1", Ip4.parse("192.168.56.11"))),
                SystemInventory.parseRouteGet(routeGetLines().get(0)));
    }

    @Test
    void routeGetViaGateway() {
        assertEquals(Optional.of(new RouteHint("eth0", Ip4.parse("10.0.2.15"))),
                SystemInventory.parseRouteGet(routeGetLines().get(1)));
    }

    @Test
    void routeGetToALocalAddress() {
        assertEquals(Optional.of(new RouteHint("lo", Ip4.parse("192.168.56.11"))),
                SystemInventory.parseRouteGet(routeGetLines().get(2)));
    }

    @Test
    void routeGetWithoutSource() {
        Optional<RouteHint> hint = SystemInventory.parseRouteGet(routeGetLines().get(3));
        assertEquals(Optional.of(new RouteHint("tun0", null)), hint);
    }

    @Test
    void routeGetWithTrailingNewline() {
        assertEquals(Optional.of(new RouteHint("eth1", Ip4.parse("192.168.56.11"))),
                SystemInventory.parseRouteGet("192.168.56.12 dev eth1 src 192.168.56.11 uid 0 \\    cache \n"));
    }

    @Test
    void routeGetWithoutDevice() {
        assertTrue(SystemInventory.parseRouteGet("").isEmpty());
        assertTrue(SystemInventory.parseRouteGet("RTNETLINK answers: Network is unreachable").isEmpty());
        assertTrue(SystemInventory.parseRouteGet("unreachable 203.0.113.9 uid 0 \\    cache <> ").isEmpty());
    }
}
