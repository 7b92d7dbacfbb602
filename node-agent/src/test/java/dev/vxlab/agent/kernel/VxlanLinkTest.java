package dev.vxlab.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;
import org.junit.jupiter.api.Test;

class VxlanLinkTest {
    /** What the agent asks for: no MTU, state or addresses yet. */
    static final VxlanLink WANTED = new VxlanLink("flannel.1", 1, "eth1", Ip4.parse("192.168.56.11"), 8472, false,
            "02:99:99:99:99:99", 0, false, List.of());

    static VxlanLink existing(int vni, String lower, String local, int port) {
        return new VxlanLink("flannel.1", vni, lower, local == null ? null : Ip4.parse(local), port, false, "02:11:22:33:44:55", 1450,
                true, List.of(Ip4Net.parse("10.244.34.0/32")));
    }

    @Test
    void theSameVniLowerDeviceAddressAndPortIsCompatible() {
        assertNull(existing(1, "eth1", "192.168.56.11", 8472).incompatibility(WANTED));
    }

    @Test
    void macMtuStateAddressesAndLearningDoNotMatter() {
        VxlanLink other = new VxlanLink("flannel.1", 1, "eth1", Ip4.parse("192.168.56.11"), 8472, true, "0e:00:00:00:00:01", 9000,
                false, List.of(Ip4Net.parse("10.244.9.0/32")));
        assertNull(other.incompatibility(WANTED));
    }

    @Test
    void anotherVniInFlannelsWordsWantedFirst() {
        assertEquals("vni: 1 vs 7", existing(7, "eth1", "192.168.56.11", 8472).incompatibility(WANTED));
    }

    @Test
    void anotherLowerDevice() {
        assertEquals("vtep device: eth1 vs enp0s8", existing(1, "enp0s8", "192.168.56.11", 8472).incompatibility(WANTED));
    }

    @Test
    void anotherLocalAddress() {
        assertEquals("vtep address: 192.168.56.11 vs 10.0.2.15", existing(1, "eth1", "10.0.2.15", 8472).incompatibility(WANTED));
    }

    @Test
    void anotherPort() {
        assertEquals("port: 8472 vs 4789", existing(1, "eth1", "192.168.56.11", 4789).incompatibility(WANTED));
    }

    @Test
    void theVniIsNamedFirstWhenEverythingDiffers() {
        assertEquals("vni: 1 vs 7", existing(7, "eth0", "10.0.2.15", 4789).incompatibility(WANTED));
    }

    @Test
    void aWantedLinkWithoutLowerDeviceOrLocalAddressAcceptsAny() {
        VxlanLink loose = new VxlanLink("flannel.1", 1, null, null, 8472, false, null, 0, false, List.of());
        assertNull(existing(1, "eth0", "10.0.2.15", 8472).incompatibility(loose));
    }
}
