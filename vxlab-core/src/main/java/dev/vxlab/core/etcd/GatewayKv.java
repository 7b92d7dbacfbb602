package dev.vxlab.core.etcd;

import dev.vxlab.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * etcd's key-value and lease calls through its JSON gateway ({@code /v3/kv/range}, {@code /v3/kv/put},
 * {@code /v3/kv/deleterange}, {@code /v3/lease/timetolive}, {@code /v3/lease/revoke}): one POST each over
 * {@link GatewayClient}, keys and values as UTF-8 text. No gRPC, protobuf or Netty to load for a handful of
 * calls, and the same TLS and credentials as the client's. Failures are {@link IOException}s carrying what
 * etcd or the socket said; the caller words them for its user.
 */
public final class GatewayKv {
    private final GatewayClient client;

    /** One key as etcd holds it: its value, the etcd lease it is attached to (0: none) and its revisions. */
    public record Kv(String key, String value, long lease, long createRevision, long modRevision) {
    }

    /** The keys a range found and the store's revision when it was read (where a watch would start after it). */
    public record Range(List<Kv> kvs, long revision) {
    }

    public GatewayKv(GatewayClient client) {
        this.client = client;
    }

    /** Every key that starts with {@code prefix}, in key order. */
    public Range rangePrefix(String prefix) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("key", KeyRange.b64(prefix));
        req.put("range_end", KeyRange.b64PrefixEnd(prefix));
        return range(req);
    }

    /** The key {@code key}, or empty when it does not exist. */
    public Optional<Kv> get(String key) throws IOException {
        List<Kv> kvs = range(Map.of("key", KeyRange.b64(key))).kvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }

    public void put(String key, String value) throws IOException {
        call("/v3/kv/put", Map.of("key", KeyRange.b64(key), "value", KeyRange.b64(value)));
    }

    /** Deletes {@code key}; nothing when it is absent. */
    public void delete(String key) throws IOException {
        call("/v3/kv/deleterange", Map.of("key", KeyRange.b64(key)));
    }

    /** Seconds the etcd lease {@code id} has left, or empty when it is gone (expired or revoked). */
    public Optional<Long> timeToLive(long id) throws IOException {
        Map<String, Object> r = call("/v3/lease/timetolive", Map.of("ID", Long.toString(id)));
        long ttl = number(r.get("TTL"));
        return ttl < 0 ? Optional.empty() : Optional.of(ttl);
    }

    /** Revokes the etcd lease {@code id}, deleting every key attached to it; false when it was already gone. */
    public boolean revoke(long id) throws IOException {
        try {
            call("/v3/lease/revoke", Map.of("ID", Long.toString(id)));
            return true;
        } catch (GatewayClient.StatusException e) {
            if (e.status == 404 || String.valueOf(e.getMessage()).contains("requested lease not found")) {
                return false;
            }
            throw e;
        }
    }

    private Range range(Map<String, Object> req) throws IOException {
        Map<String, Object> r = call("/v3/kv/range", req);
        List<Kv> out = new ArrayList<>();
        if (r.get("kvs") instanceof List<?> kvs) {
            for (Object o : kvs) {
                if (o instanceof Map<?, ?> kv) {
                    out.add(new Kv(KeyRange.text(kv.get("key")), KeyRange.text(kv.get("value")), number(kv.get("lease")),
                            number(kv.get("create_revision")), number(kv.get("mod_revision"))));
                }
            }
        }
        long revision = r.get("header") instanceof Map<?, ?> h ? number(h.get("revision")) : 0;
        return new Range(out, revision);
    }

    /** POSTs {@code req} and parses the answer; the answer's body is read under the client's timeout too. */
    private Map<String, Object> call(String path, Map<String, Object> req) throws IOException {
        return call(client, path, req);
    }

    /** POSTs {@code req} to {@code path} through {@code client} and parses the answer (shared with {@link GatewayCluster}). */
    static Map<String, Object> call(GatewayClient client, String path, Map<String, Object> req) throws IOException {
        try (GatewayClient.Response r = client.post(path, Json.write(req))) {
            r.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, client.timeout().toMillis()));
            return Json.parseObject(GatewayClient.readAll(r.body()));
        } catch (RuntimeException e) {
            throw new IOException("etcd's " + path + " answered something unexpected: " + e.getMessage(), e);
        }
    }

    /**
     * The gateway writes int64 fields as JSON strings ("7"), and leaves out zeros; uint64 ones (member IDs) past
     * Long.MAX_VALUE keep their 64 bits.
     */
    static long number(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = String.valueOf(v);
        return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
    }
}
