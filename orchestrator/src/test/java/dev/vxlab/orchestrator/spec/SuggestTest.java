package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestTest {

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        assertEquals(0, Suggest.distance("cidr", "cidr"));
        assertEquals(1, Suggest.distance("cidr", "cid"));
        assertEquals(1, Suggest.distance("cidr", "cider"));
        assertEquals(1, Suggest.distance("port", "pork"));
        assertEquals(1, Suggest.distance("nmae", "name"));
        assertEquals(3, Suggest.distance("kitten", "sitting"));
        assertEquals(4, Suggest.distance("", "name"));
    }

    @Test
    void suggestsTheClosestKeyIgnoringCase() {
        assertEquals(Optional.of("subnetLen"), Suggest.closest("subnetlen", SpecResolver.NETWORK_KEYS));
        assertEquals(Optional.of("hostIp"), Suggest.closest("hostip", SpecResolver.UNDERLAY_KEYS));
        assertEquals(Optional.of("network"), Suggest.closest("netwrok", SpecResolver.TOP_KEYS));
        assertEquals(Optional.of("name"), Suggest.closest("nmae", SpecResolver.TOP_KEYS));
        assertEquals(Optional.of("endpoints"), Suggest.closest("endpoint", SpecResolver.ETCD_KEYS));
        assertEquals(Optional.of("directRouting"), Suggest.closest("direct_routing", SpecResolver.NETWORK_KEYS));
        assertEquals(Optional.of("host-gw"), Suggest.closest("hostgw", SpecResolver.BACKENDS));
    }

    @Test
    void suggestsNothingWhenNoKeyIsClose() {
        assertEquals(Optional.empty(), Suggest.closest("colour", SpecResolver.TOP_KEYS));
        assertEquals(Optional.empty(), Suggest.closest("role", SpecResolver.NODE_KEYS));
        assertEquals(Optional.empty(), Suggest.closest("qemu", SpecResolver.PROVIDERS));
        // a one-letter key is not "one edit from ip"
        assertEquals(Optional.empty(), Suggest.closest("x", List.of("ip")));
    }
}
