package dev.vxlab.orchestrator.fake;

import dev.vxlab.core.etcd.GatewayCluster;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.orchestrator.etcd.EtcdGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd's gateway, written by hand: an endpoint is healthy from a given health check on (0: at once; never, unless
 * told), and the config key is a map (write returns false when the same value is there).
 */
public final class FakeGateway implements EtcdGateway {
    private final Events events;
    private final Map<String, Integer> upFrom = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
    public final Map<String, String> keys = new ConcurrentHashMap<>();
    /** What each member says of itself (absent: it does not answer). */
    public final Map<String, GatewayCluster.Status> statuses = new ConcurrentHashMap<>();

    public FakeGateway(Events events) {
        this.events = events;
    }

    /** {@code endpoint} answers from its {@code check}-th health check on (counting from 0). */
    public FakeGateway upFrom(String endpoint, int check) {
        upFrom.put(endpoint, check);
        return this;
    }

    /** How many health checks {@code endpoint} has had. */
    public int checks(String endpoint) {
        AtomicInteger n = checks.get(endpoint);
        return n == null ? 0 : n.get();
    }

    @Override
    public boolean healthy(String endpoint) {
        int n = checks.computeIfAbsent(endpoint, e -> new AtomicInteger()).getAndIncrement();
        Integer from = upFrom.get(endpoint);
        return from != null && n >= from;
    }

    @Override
    public List<GatewayKv.Kv> entries(String endpoint, String keyPrefix) {
        List<GatewayKv.Kv> out = new ArrayList<>();
        new TreeMap<>(keys).forEach((k, v) -> {
            if (k.startsWith(endpoint + " " + keyPrefix)) {
                out.add(new GatewayKv.Kv(k.substring(endpoint.length() + 1), v, 0, 1, 1));
            }
        });
        return out;
    }

    /** Keys here hang on no etcd lease: nothing has time left. */
    @Override
    public Optional<GatewayCluster.Status> memberStatus(String endpoint) {
        return Optional.ofNullable(statuses.get(endpoint));
    }

    @Override
    public Optional<Long> timeToLive(String endpoint, long lease) {
        return Optional.empty();
    }

    @Override
    public void revoke(String endpoint, long lease) {
        events.add("etcd revoke " + endpoint + " " + lease);
    }

    @Override
    public void delete(String endpoint, String key) {
        events.add("etcd delete " + endpoint + " " + key);
        keys.remove(endpoint + " " + key);
    }

    @Override
    public boolean writeConfig(String endpoint, String prefix, String json) {
        events.add("etcd write " + endpoint + " " + prefix + "/config");
        return !json.equals(keys.put(endpoint + " " + prefix + "/config", json));
    }
}
