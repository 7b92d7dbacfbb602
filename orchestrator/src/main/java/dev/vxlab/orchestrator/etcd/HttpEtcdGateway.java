package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.GatewayCluster;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link EtcdGateway} over etcd's JSON gateway ({@link GatewayKv}: one POST a call, no gRPC client to load),
 * and a GET of /health.
 */
public final class HttpEtcdGateway implements EtcdGateway {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public boolean healthy(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/health").toURL().openConnection();
            c.setConnectTimeout(300);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean writeConfig(String endpoint, String prefix, String json) {
        String key = SubnetKey.config(prefix);
        return call(endpoint, "cannot write the network config to etcd", kv -> {
            if (kv.get(key).map(GatewayKv.Kv::value).filter(json::equals).isPresent()) {
                return false;
            }
            kv.put(key, json);
            return true;
        });
    }

    @Override
    public List<GatewayKv.Kv> entries(String endpoint, String keyPrefix) {
        return call(endpoint, "cannot read " + keyPrefix + " from etcd", kv -> kv.rangePrefix(keyPrefix).kvs());
    }

    @Override
    public Optional<Long> timeToLive(String endpoint, long lease) {
        return call(endpoint, "cannot read the time left of etcd lease " + Long.toHexString(lease), kv -> kv.timeToLive(lease));
    }

    @Override
    public void revoke(String endpoint, long lease) {
        call(endpoint, "cannot revoke etcd lease " + Long.toHexString(lease), kv -> kv.revoke(lease));
    }

    @Override
    public void delete(String endpoint, String key) {
        call(endpoint, "cannot delete " + key + " in etcd", kv -> {
            kv.delete(key);
            return null;
        });
    }

    @Override
    public Optional<GatewayCluster.Status> memberStatus(String endpoint) {
        try {
            return Optional.of(new GatewayCluster(new GatewayClient(List.of(URI.create(endpoint)), null, null, null, Duration.ofSeconds(2))).status());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private interface Call<T> {
        T on(GatewayKv kv) throws IOException;
    }

    private static <T> T call(String endpoint, String what, Call<T> call) {
        try {
            return call.on(new GatewayKv(new GatewayClient(List.of(URI.create(endpoint)), null, null, null, TIMEOUT)));
        } catch (IOException | RuntimeException e) {
            throw new VxlabException(what + " at " + endpoint + ": " + e.getMessage(), "check that etcd answers: curl " + endpoint + "/health", e);
        }
    }
}
