package dev.vxlab.core.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.core.net.Ip4Net;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubnetKeyTest {
    private static final String PREFIX = "/coreos.com/network";

    @Test
    void configKey() {
        assertEquals("/coreos.com/network/config", SubnetKey.config(PREFIX));
        assertEquals("/vxlab/net/config", SubnetKey.config("/vxlab/net"));
    }

    @Test
    void subnetsDirectory() {
        assertEquals("/coreos.com/network/subnets/", SubnetKey.subnetsDir(PREFIX));
    }

    @Test
    void leaseKeyAsFlannelWritesIt() {
        assertEquals("/coreos.com/network/subnets/10.244.34.0-24", SubnetKey.of(PREFIX, Ip4Net.parse("10.244.34.0/24")));
        assertEquals("/x/subnets/10.5.0.16-28", SubnetKey.of("/x", Ip4Net.parse("10.5.0.16/28")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.244.34.0/24", "10.244.0.0/16", "192.168.1.4/30", "10.1.2.3/32", "0.0.0.0/0", "10.0.0.0/8"})
    void parseReadsWhatOfWrites(String cidr) {
        Ip4Net subnet = Ip4Net.parse(cidr);
        String key = SubnetKey.of(PREFIX, subnet);
        assertEquals(Optional.of(subnet), SubnetKey.parse(PREFIX, key));
    }

    @Test
    void parseReadsAKeyWrittenByFlanneld() {
        assertEquals(Optional.of(Ip4Net.parse("10.244.28.0/24")),
                SubnetKey.parse(PREFIX, "/coreos.com/network/subnets/10.244.28.0-24"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/other/network/subnets/10.244.34.0-24",
        "/coreos.com/network2/subnets/10.244.34.0-24",
        "/coreos.com/subnets/10.244.34.0-24",
        "coreos.com/network/subnets/10.244.34.0-24",
        "/coreos.com/network/config",
        "/coreos.com/network/subnets",
        "/coreos.com/network/10.244.34.0-24",
    })
    void keysOutsideThePrefixAreNotLeases(String key) {
        assertEquals(Optional.empty(), SubnetKey.parse(PREFIX, key));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "10.244.34.0",
        "10.244.34.0-",
        "10.244.34.0_24",
        "10.244.34.0/24",
        "10.244.34-24",
        "10.244.34.0.0-24",
        "10.244.34.0-24/extra",
        "10.244.34.0-24 ",
        " 10.244.34.0-24",
        "10.244.34.256-24",
        "10.244.34.0-33",
        "10.244.34.0-124",
        "10.244.34.0--24",
        "a.b.c.d-24",
        "10.244.34.0-x",
        "fd00::-64",
    })
    void malformedLeavesAreNotLeases(String leaf) {
        assertEquals(Optional.empty(), SubnetKey.parse(PREFIX, "/coreos.com/network/subnets/" + leaf));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.244.34.1-24", "10.244.34.128-24", "10.244.1.0-16", "10.244.34.3-31"})
    void leavesWithHostBitsSetAreNotLeases(String leaf) {
        assertEquals(Optional.empty(), SubnetKey.parse(PREFIX, "/coreos.com/network/subnets/" + leaf));
    }
}
