package dev.vxlab.agent.lease.etcd;

/**
 * etcd answered, but its JSON gateway cannot serve this client: it is off ({@code --enable-grpc-gateway=false},
 * 404), or, at the first answer, cannot act for it (503: with --client-cert-auth the gateway dials etcd with the
 * server's certificate). {@link FallbackRegistry} then talks to etcd through gRPC.
 */
public final class GatewayUnavailableException extends RuntimeException {
    public GatewayUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
