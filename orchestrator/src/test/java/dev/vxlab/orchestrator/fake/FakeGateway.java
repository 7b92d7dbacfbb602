package dev.vxlab.orchestrator.fake;

import dev.vxlab.orchestrator.etcd.EtcdGateway;
import java.util.Map;
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

    public FakeGateway(Events events) {
        this.events = events;
    }

    /** {@code endpoint} answers from its {@code check}-th health check on (counting from 0). */
    public FakeGateway upFrom(String endpoint, int check) {
        upFrom.put(endpoint, check);
        return this;
    }

    @Override
    public boolean healthy(String endpoint) {
        int n = checks.computeIfAbsent(endpoint, e -> new AtomicInteger()).getAndIncrement();
        Integer from = upFrom.get(endpoint);
        return from != null && n >= from;
    }

    @Override
    public Map<String, String> range(String endpoint, String keyPrefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        keys.forEach((k, v) -> {
            if (k.startsWith(endpoint + " " + keyPrefix)) {
                out.put(k.substring(endpoint.length() + 1), v);
            }
        });
        return out;
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
