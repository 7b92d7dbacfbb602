package dev.vxlab.agent.lease.etcd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.etcd.GatewayClient;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** When a 5xx means "the gateway cannot act for this client" (go to gRPC) rather than "etcd is in trouble" (retry). */
class GatewayRegistryTest {
    private static GatewayClient.StatusException answer(int status, String body) {
        return new GatewayClient.StatusException(URI.create("https://127.0.0.1:2379"), "/v3/kv/range", status, body);
    }

    @Test
    void theGatewaysOwnDialFailingAtTheFirstAnswerSendsTheAgentToGrpc() {
        // etcd 3.4.23 with --client-cert-auth and a server certificate for server use only (EtcdAccessIT)
        assertTrue(GatewayRegistry.cannotActForClient(answer(503, "{\"error\":\"connection closed\",\"message\":\"connection closed\",\"code\":14}"), false));
    }

    @Test
    void etcdsOwnErrorsAndAnythingAfterTheGatewayHasServedAreRetriedInstead() {
        assertFalse(GatewayRegistry.cannotActForClient(answer(503, "{\"error\":\"etcdserver: no leader\",\"message\":\"etcdserver: no leader\",\"code\":14}"), false));
        assertFalse(GatewayRegistry.cannotActForClient(answer(503, "{\"error\":\"connection closed\",\"code\":14}"), true));
        assertFalse(GatewayRegistry.cannotActForClient(answer(400, "{\"error\":\"etcdserver: key not found\",\"code\":3}"), false));
    }
}
