package dev.vxlab.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gateway's transaction and lease messages, as etcd 3.4 takes and writes them (answers copied from curl against etcd 3.4.23). */
class GatewayKvTest {
    private static final String KEY = "/coreos.com/network/subnets/10.244.1.0-24";
    private static final String KEY_B64 = "L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzLzEwLjI0NC4xLjAtMjQ=";
    private static final String HEADER = "\"header\":{\"cluster_id\":\"15118495548433857066\",\"member_id\":\"13668033151171901709\","
            + "\"revision\":\"2\",\"raft_term\":\"2\"}";

    @Test
    void createIfAbsentComparesTheCreateRevisionWithZeroAndPutsOnTheLease() {
        assertEquals("{\"compare\":[{\"result\":\"EQUAL\",\"target\":\"CREATE\",\"key\":\"" + KEY_B64 + "\",\"create_revision\":\"0\"}],"
                + "\"success\":[{\"request_put\":{\"key\":\"" + KEY_B64 + "\",\"value\":\"eyJhIjoxfQ==\",\"lease\":\"4111120412528086535\"}}]}",
                Json.write(GatewayKv.txnPutRequest(GatewayKv.Compare.absent(KEY), KEY, "{\"a\":1}", 4111120412528086535L)));
    }

    @Test
    void replaceComparesTheModRevisionAndAPutWithoutLeaseLeavesItOut() {
        assertEquals("{\"compare\":[{\"result\":\"EQUAL\",\"target\":\"MOD\",\"key\":\"" + KEY_B64 + "\",\"mod_revision\":\"17\"}],"
                + "\"success\":[{\"request_put\":{\"key\":\"" + KEY_B64 + "\",\"value\":\"eA==\"}}]}",
                Json.write(GatewayKv.txnPutRequest(GatewayKv.Compare.modRevision(KEY, 17), KEY, "x", 0)));
        assertEquals("{\"compare\":[{\"result\":\"EQUAL\",\"target\":\"MOD\",\"key\":\"" + KEY_B64 + "\",\"mod_revision\":\"17\"}],"
                + "\"success\":[{\"request_delete_range\":{\"key\":\"" + KEY_B64 + "\"}}]}",
                Json.write(GatewayKv.txnDeleteRequest(GatewayKv.Compare.modRevision(KEY, 17), KEY)));
    }

    @Test
    void txnAnswersSucceededOrLeaveItOut() {
        assertEquals(new GatewayKv.TxnResult(true, 2), GatewayKv.txnResult(Json.parseObject("{" + HEADER
                + ",\"succeeded\":true,\"responses\":[{\"response_put\":{\"header\":{\"revision\":\"2\"}}}]}")));
        assertEquals(new GatewayKv.TxnResult(false, 2), GatewayKv.txnResult(Json.parseObject("{" + HEADER + "}")));
    }

    @Test
    void grantAnswersTheLeaseIdAsAString() {
        assertEquals(4111120412528086533L, GatewayKv.grantResult(Json.parseObject("{" + HEADER + ",\"ID\":\"4111120412528086533\",\"TTL\":\"30\"}")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayKv.grantResult(Json.parseObject("{" + HEADER + ",\"error\":\"too many\"}")))
                .getMessage().contains("too many"));
        assertThrows(IllegalArgumentException.class, () -> GatewayKv.grantResult(Json.parseObject("{" + HEADER + "}")));
    }

    @Test
    void keepAliveOfALeaseThatIsGoneAnswersWithoutTtl() {
        assertEquals(Optional.of(30L), GatewayKv.keepAliveResult(Json.parseObject("{\"result\":{" + HEADER + ",\"ID\":\"4111120412528086535\",\"TTL\":\"30\"}}")));
        assertEquals(Optional.empty(), GatewayKv.keepAliveResult(Json.parseObject("{\"result\":{" + HEADER + ",\"ID\":\"123\"}}")));
        assertThrows(IllegalArgumentException.class, () -> GatewayKv.keepAliveResult(Json.parseObject("{\"error\":{\"grpc_code\":14}}")));
    }

    @Test
    void only404PlainTextMeansTheGatewayIsOff() {
        java.net.URI e = java.net.URI.create("http://127.0.0.1:2379");
        assertTrue(new GatewayClient.StatusException(e, "/v3/kv/range", 404, "404 page not found\n").gatewayOff());
        assertFalse(new GatewayClient.StatusException(e, "/v3/lease/revoke", 404,
                "{\"error\":\"etcdserver: requested lease not found\",\"message\":\"etcdserver: requested lease not found\",\"code\":5}").gatewayOff());
        assertFalse(new GatewayClient.StatusException(e, "/v3/kv/range", 503, "no").gatewayOff());
    }
}
