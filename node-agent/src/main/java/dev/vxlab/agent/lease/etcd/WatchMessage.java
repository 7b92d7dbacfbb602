package dev.vxlab.agent.lease.etcd;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One message of etcd's watch stream as its JSON gateway writes it (a line of {@code POST /v3/watch}'s
 * response): {@code {"result":{"header":{…},"created":true}}}, {@code {"result":{…,"events":[{"kv":{…}},
 * {"type":"DELETE","kv":{…}}]}}}, {@code {"result":{…,"canceled":true,"compact_revision":"42"}}} or
 * {@code {"error":{"message":…}}}. Keys and values are base64, 64-bit numbers are strings, fields with their
 * zero value are left out (an event without "type" is a PUT).
 */
record WatchMessage(List<Event> events, boolean created, boolean canceled, long compactRevision, String problem) {

    /** A changed key: {@code value} and {@code lease} are empty/0 for a delete. */
    record Event(boolean deleted, String key, String value, long lease, long createRevision, long modRevision) {
    }

    /** Why the stream cannot go on (canceled by etcd, compacted, an error), or null while it runs. */
    String endReason() {
        if (problem != null) {
            return problem;
        }
        if (compactRevision > 0) {
            return "etcd compacted the history the watch needed (compact revision " + compactRevision + ")";
        }
        return canceled ? "etcd canceled the watch" : null;
    }

    static WatchMessage parse(String line) {
        Map<String, Object> top;
        try {
            top = Json.parseObject(line);
        } catch (JsonException e) {
            throw new IllegalArgumentException("etcd's watch stream sent something that is not JSON: " + e.getMessage(), e);
        }
        if (top.get("error") instanceof Map<?, ?> err) {
            return new WatchMessage(List.of(), false, true, 0, "etcd refused the watch: " + err.get("message"));
        }
        if (!(top.get("result") instanceof Map<?, ?> result)) {
            throw new IllegalArgumentException("etcd's watch stream sent a message without \"result\": " + abbreviate(line));
        }
        List<Event> events = new ArrayList<>();
        if (result.get("events") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> e) || !(e.get("kv") instanceof Map<?, ?> kv)) {
                    throw new IllegalArgumentException("etcd's watch stream sent an event without \"kv\": " + abbreviate(line));
                }
                boolean deleted = "DELETE".equals(e.get("type"));
                events.add(new Event(deleted, base64(kv.get("key")), deleted ? "" : base64(kv.get("value")),
                        number(kv.get("lease")), number(kv.get("create_revision")), number(kv.get("mod_revision"))));
            }
        }
        String reason = result.get("cancel_reason") instanceof String s && !s.isEmpty() ? "etcd canceled the watch: " + s : null;
        return new WatchMessage(events, Boolean.TRUE.equals(result.get("created")), Boolean.TRUE.equals(result.get("canceled")),
                number(result.get("compact_revision")), reason);
    }

    private static String base64(Object o) {
        if (o == null) {
            return "";
        }
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("expected a base64 string in etcd's watch stream, got " + Json.describe(o));
        }
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    private static long number(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof String s) {
            return Long.parseLong(s);
        }
        if (o instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("expected a number in etcd's watch stream, got " + Json.describe(o));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
