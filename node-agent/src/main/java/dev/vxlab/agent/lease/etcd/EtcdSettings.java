package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.PemTls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach etcd, for the gateway and the gRPC registry alike; TLS files and credentials are optional (null).
 * A class of its own, not a member of {@link EtcdRegistry}: naming it must not load the gRPC registry.
 */
public record EtcdSettings(List<URI> endpoints, String prefix, Path caFile, Path certFile, Path keyFile,
                           String username, String password, Duration timeout) {

    /** TLS is on with a CA or a client certificate, or an https endpoint. */
    boolean tls() {
        return caFile != null || certFile != null || endpoints.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
    }

    /** A client of etcd's JSON gateway with these endpoints, TLS files (PKCS#8 keys, hostname verified) and credentials. */
    GatewayClient gatewayClient() {
        SSLSocketFactory factory = null;
        if (tls()) {
            try {
                factory = PemTls.socketFactory(caFile, certFile, keyFile);
            } catch (IllegalArgumentException e) {
                throw tlsUnusable(e);
            }
        }
        return new GatewayClient(endpoints, factory, username, password, timeout);
    }

    static RegistryUnavailableException tlsUnusable(Exception e) {
        return new RegistryUnavailableException("cannot set up TLS for etcd from --etcd-cafile/--etcd-certfile/--etcd-keyfile: "
                + e.getMessage(), e);
    }
}
