package dev.vxlab.orchestrator.etcd;

import dev.vxlab.agent.json.Json;
import dev.vxlab.agent.lease.SubnetKey;
import dev.vxlab.orchestrator.VxlabException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link EtcdGateway} over plain HTTP: /health, and /v3/kv/range and /v3/kv/put (keys and values base64), one
 * request each, no gRPC client to load for a single key.
 */
public final class HttpEtcdGateway implements EtcdGateway {

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
        String key = b64(SubnetKey.config(prefix));
        try {
            Map<String, Object> range = Json.parseObject(post(endpoint + "/v3/kv/range", "{\"key\":\"" + key + "\"}"));
            if (range.get("kvs") instanceof List<?> kvs && !kvs.isEmpty() && kvs.get(0) instanceof Map<?, ?> kv
                    && json.equals(new String(java.util.Base64.getDecoder().decode(String.valueOf(kv.get("value"))), StandardCharsets.UTF_8))) {
                return false;
            }
            post(endpoint + "/v3/kv/put", "{\"key\":\"" + key + "\",\"value\":\"" + b64(json) + "\"}");
            return true;
        } catch (IOException | RuntimeException e) {
            throw new VxlabException("cannot write the network config to etcd at " + endpoint + ": " + e.getMessage(),
                    "check that etcd answers: curl " + endpoint + "/health", e);
        }
    }

    @Override
    public Map<String, String> range(String endpoint, String keyPrefix) {
        try {
            Map<String, Object> r = Json.parseObject(post(endpoint + "/v3/kv/range", "{\"key\":\"" + b64(keyPrefix)
                    + "\",\"range_end\":\"" + b64(rangeEnd(keyPrefix)) + "\"}"));
            Map<String, String> out = new TreeMap<>();
            if (r.get("kvs") instanceof List<?> kvs) {
                for (Object o : kvs) {
                    if (o instanceof Map<?, ?> kv) {
                        out.put(unb64(kv.get("key")), kv.get("value") == null ? "" : unb64(kv.get("value")));
                    }
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new VxlabException("cannot read " + keyPrefix + " from etcd at " + endpoint + ": " + e.getMessage(),
                    "check that etcd answers: curl " + endpoint + "/health", e);
        }
    }

    @Override
    public void delete(String endpoint, String key) {
        try {
            post(endpoint + "/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}");
        } catch (IOException e) {
            throw new VxlabException("cannot delete " + key + " in etcd at " + endpoint + ": " + e.getMessage(),
                    "check that etcd answers: curl " + endpoint + "/health", e);
        }
    }

    /** The end of etcd's range for "every key that starts with {@code prefix}": the prefix with its last byte plus one. */
    static String rangeEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static String unb64(Object s) {
        return new String(java.util.Base64.getDecoder().decode(String.valueOf(s)), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String post(String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(3000);
        c.setReadTimeout(10_000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (var out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        if (c.getResponseCode() != 200) {
            throw new IOException("HTTP " + c.getResponseCode() + " from " + url);
        }
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
