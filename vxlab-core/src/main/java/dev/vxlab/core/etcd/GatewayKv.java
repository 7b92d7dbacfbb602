package dev.vxlab.core.etcd;

import dev.vxlab.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * etcd's key-value and lease calls through its JSON gateway ({@code /v3/kv/range}, {@code /v3/kv/put},
 * {@code /v3/kv/deleterange}, {@code /v3/kv/txn}, {@code /v3/lease/grant}, {@code /v3/lease/keepalive},
 * {@code /v3/lease/timetolive}, {@code /v3/lease/revoke}): one POST each over
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

    /** What a transaction's one comparison asks of its key: absent (never created, or deleted), or unchanged since a revision. */
    public record Compare(String key, boolean absent, long modRevision) {
        /** {@code create_revision == 0}: the key does not exist. */
        public static Compare absent(String key) {
            return new Compare(key, true, 0);
        }

        /** {@code mod_revision == revision}: nobody wrote or deleted the key since it was read at that revision. */
        public static Compare modRevision(String key, long revision) {
            return new Compare(key, false, revision);
        }
    }

    /** Whether a transaction's comparison held (and its operation ran), and the store's revision after it. */
    public record TxnResult(boolean succeeded, long revision) {
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
            if (!e.gatewayOff() && (e.status == 404 || e.body.contains("requested lease not found"))) {
                return false;
            }
            throw e;
        }
    }

    /** Puts {@code value} at {@code key}, attached to etcd lease {@code lease} (0: none), if {@code cmp} holds. */
    public TxnResult putIf(Compare cmp, String key, String value, long lease) throws IOException {
        return call("/v3/kv/txn", txnPutRequest(cmp, key, value, lease), GatewayKv::txnResult);
    }

    /** Deletes {@code key} if {@code cmp} holds. */
    public TxnResult deleteIf(Compare cmp, String key) throws IOException {
        return call("/v3/kv/txn", txnDeleteRequest(cmp, key), GatewayKv::txnResult);
    }

    /** A new etcd lease of {@code ttlSeconds}; its ID. */
    public long grant(long ttlSeconds) throws IOException {
        return call("/v3/lease/grant", Map.of("TTL", Long.toString(ttlSeconds)), GatewayKv::grantResult);
    }

    /**
     * Renews etcd lease {@code id} once (the gateway's keep-alive stream with one request: etcd answers and ends
     * the stream when the request body ends); the TTL it was renewed to, or empty when the lease is gone.
     */
    public Optional<Long> keepAlive(long id) throws IOException {
        return call("/v3/lease/keepalive", Map.of("ID", Long.toString(id)), GatewayKv::keepAliveResult);
    }

    /** {@code {"compare":[…],"success":[{"request_put":{"key","value","lease"}}]}}. */
    static Map<String, Object> txnPutRequest(Compare cmp, String key, String value, long lease) {
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("key", KeyRange.b64(key));
        put.put("value", KeyRange.b64(value));
        if (lease != 0) {
            put.put("lease", Long.toString(lease));
        }
        return txn(cmp, Map.of("request_put", put));
    }

    static Map<String, Object> txnDeleteRequest(Compare cmp, String key) {
        return txn(cmp, Map.of("request_delete_range", Map.of("key", KeyRange.b64(key))));
    }

    private static Map<String, Object> txn(Compare cmp, Map<String, Object> op) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("result", "EQUAL");
        c.put("target", cmp.absent() ? "CREATE" : "MOD");
        c.put("key", KeyRange.b64(cmp.key()));
        if (cmp.absent()) {
            c.put("create_revision", "0");
        } else {
            c.put("mod_revision", Long.toString(cmp.modRevision()));
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("compare", List.of(c));
        req.put("success", List.of(op));
        return req;
    }

    /** etcd leaves {@code succeeded} out when it is false. */
    static TxnResult txnResult(Map<String, Object> r) {
        return new TxnResult(Boolean.TRUE.equals(r.get("succeeded")), revision(r));
    }

    static long grantResult(Map<String, Object> r) {
        if (r.get("error") != null) {
            throw new IllegalArgumentException("lease not granted: " + r.get("error"));
        }
        long id = number(r.get("ID"));
        if (id == 0) {
            throw new IllegalArgumentException("no lease ID in the answer");
        }
        return id;
    }

    /** {@code {"result":{"ID":…,"TTL":…}}}; a lease that is gone comes back without a TTL (0). */
    static Optional<Long> keepAliveResult(Map<String, Object> r) {
        if (!(r.get("result") instanceof Map<?, ?> result)) {
            throw new IllegalArgumentException(r.get("error") != null ? String.valueOf(r.get("error")) : "no result in the answer");
        }
        long ttl = number(result.get("TTL"));
        return ttl <= 0 ? Optional.empty() : Optional.of(ttl);
    }

    private static long revision(Map<String, Object> r) {
        return r.get("header") instanceof Map<?, ?> h ? number(h.get("revision")) : 0;
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
        return new Range(out, revision(r));
    }

    private Map<String, Object> call(String path, Map<String, Object> req) throws IOException {
        return call(client, path, req, m -> m);
    }

    /** POSTs {@code req} to {@code path} through {@code client} and parses the answer (shared with {@link GatewayCluster}). */
    static Map<String, Object> call(GatewayClient client, String path, Map<String, Object> req) throws IOException {
        return call(client, path, req, m -> m);
    }

    private <T> T call(String path, Map<String, Object> req, Function<Map<String, Object>, T> parse) throws IOException {
        return call(client, path, req, parse);
    }

    /**
     * POSTs {@code req} and parses the answer (its first JSON line: a streaming call's one message) with
     * {@code parse}; the answer's body is read under the client's timeout too.
     */
    private static <T> T call(GatewayClient client, String path, Map<String, Object> req, Function<Map<String, Object>, T> parse)
            throws IOException {
        try (GatewayClient.Response r = client.post(path, Json.write(req))) {
            r.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, client.timeout().toMillis()));
            String body = GatewayClient.readAll(r.body()).strip();
            int nl = body.indexOf('\n');
            return parse.apply(Json.parseObject(nl < 0 ? body : body.substring(0, nl)));
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
