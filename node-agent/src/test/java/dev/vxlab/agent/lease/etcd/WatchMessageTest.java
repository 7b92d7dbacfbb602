package dev.vxlab.agent.lease.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines recorded from etcd 3.4's gateway (`curl -N -X POST …/v3/watch`), and the ones it sends when a watch ends. */
class WatchMessageTest {
    private static final String HEADER = "\"header\":{\"cluster_id\":\"14841639068965178418\",\"member_id\":\"10276657743932975437\","
            + "\"revision\":\"3\",\"raft_term\":\"2\"}";

    @Test
    void createdMessageHasNoEventsAndDoesNotEndTheStream() {
        WatchMessage m = WatchMessage.parse("{\"result\":{" + HEADER + ",\"created\":true}}");
        assertTrue(m.created());
        assertEquals(List.of(), m.events());
        assertNull(m.endReason());
    }

    @Test
    void putAndDeleteEventsAreDecoded() {
        WatchMessage put = WatchMessage.parse("{\"result\":{" + HEADER + ",\"events\":[{\"kv\":{"
                + "\"key\":\"L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzLzEwLjEuMi4wLTI0\",\"create_revision\":\"2\",\"mod_revision\":\"5\","
                + "\"version\":\"1\",\"value\":\"eyJQdWJsaWNJUCI6IjEuMi4zLjQifQ==\",\"lease\":\"7587869021868745229\"}}]}}");
        assertEquals(List.of(new WatchMessage.Event(false, "/coreos.com/network/subnets/10.1.2.0-24", "{\"PublicIP\":\"1.2.3.4\"}",
                7587869021868745229L, 2, 5)), put.events());
        assertNull(put.endReason());

        WatchMessage del = WatchMessage.parse("{\"result\":{" + HEADER + ",\"events\":[{\"type\":\"DELETE\",\"kv\":{"
                + "\"key\":\"L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzLzEwLjEuMi4wLTI0\",\"mod_revision\":\"3\"}}]}}");
        assertEquals(List.of(new WatchMessage.Event(true, "/coreos.com/network/subnets/10.1.2.0-24", "", 0, 0, 3)), del.events());
    }

    @Test
    void severalEventsInOneMessageKeepTheirOrder() {
        String ev = "{\"kv\":{\"key\":\"YQ==\",\"mod_revision\":\"%d\",\"value\":\"\"}}";
        WatchMessage m = WatchMessage.parse("{\"result\":{" + HEADER + ",\"events\":[" + ev.formatted(4) + ","
                + "{\"type\":\"DELETE\",\"kv\":{\"key\":\"Yg==\",\"mod_revision\":\"5\"}}," + ev.formatted(6) + "]}}");
        assertEquals(List.of("a4", "b5", "a6"), m.events().stream().map(e -> e.key() + e.modRevision()).toList());
        assertTrue(m.events().get(1).deleted());
    }

    @Test
    void compactionCancelAndErrorEndTheStreamWithAReason() {
        WatchMessage compacted = WatchMessage.parse("{\"result\":{" + HEADER + ",\"compact_revision\":\"42\",\"canceled\":true}}");
        assertTrue(compacted.endReason().contains("compacted") && compacted.endReason().contains("42"), compacted.endReason());

        WatchMessage canceled = WatchMessage.parse("{\"result\":{" + HEADER + ",\"canceled\":true,\"cancel_reason\":\"permission denied\"}}");
        assertEquals("etcd canceled the watch: permission denied", canceled.endReason());

        WatchMessage error = WatchMessage.parse("{\"error\":{\"grpc_code\":16,\"http_code\":401,\"message\":\"etcdserver: invalid auth token\","
                + "\"http_status\":\"Unauthorized\"}}");
        assertEquals("etcd refused the watch: etcdserver: invalid auth token", error.endReason());
        assertFalse(error.created());
    }

    @Test
    void malformedMessagesAreRefusedWithWhatWasWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WatchMessage.parse("{\"result\":")).getMessage()
                .contains("not JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WatchMessage.parse("{\"foo\":1}")).getMessage()
                .contains("without \"result\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WatchMessage.parse("{\"result\":{\"events\":[{\"type\":\"PUT\"}]}}"))
                .getMessage().contains("without \"kv\""));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> WatchMessage.parse("{\"result\":{\"events\":[{\"kv\":{\"key\":\"YQ==\",\"mod_revision\":true}}]}}"))
                .getMessage().contains("expected a number"));
    }
}
