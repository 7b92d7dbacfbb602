package dev.vxlab.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The gateway's numbers: int64 as strings, zeros left out, uint64 member IDs past Long.MAX_VALUE, a TTL of -1. */
class GatewayNumberTest {
    @Test
    void numbersAsTheGatewayWritesThem() {
        assertEquals(0, GatewayKv.number(null));
        assertEquals(7, GatewayKv.number("7"));
        assertEquals(7, GatewayKv.number(7L));
        assertEquals(-1, GatewayKv.number("-1"));
        assertEquals("14423676684519838767", Long.toUnsignedString(GatewayKv.number("14423676684519838767")));
    }

    @Test
    void aMemberIsTheLeaderOnlyWhenItsIdIsTheLeadersAndThereIsOne() {
        long id = GatewayKv.number("14423676684519838767");
        assertEquals(true, new GatewayCluster.Status(id, id, 2, "3.4.23").isLeader());
        assertEquals(false, new GatewayCluster.Status(id, 5, 2, "3.4.23").isLeader());
        assertEquals(false, new GatewayCluster.Status(0, 0, 2, "3.4.23").isLeader());
        assertEquals(false, new GatewayCluster.Status(id, 0, 2, "3.4.23").hasLeader());
    }
}
