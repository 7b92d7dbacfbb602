package dev.vxlab.agent.lease.etcd;

import dev.vxlab.agent.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A watch on a key prefix through etcd's JSON gateway: {@code POST /v3/watch} with a create request, then one
 * JSON message per line of the chunked response, read by one thread of its own. {@link #open} returns once etcd
 * has accepted the request (so an unreachable etcd or a gateway that is off shows at once); after that, the
 * stream's end for any reason other than {@link #close()} is reported once to {@code onEnd}.
 */
final class GatewayWatch implements AutoCloseable {
    private final GatewayClient.Response stream;
    private final Consumer<List<WatchMessage.Event>> onEvents;
    private final Consumer<Throwable> onEnd;
    private volatile boolean closed;

    private GatewayWatch(GatewayClient.Response stream, Consumer<List<WatchMessage.Event>> onEvents, Consumer<Throwable> onEnd) {
        this.stream = stream;
        this.onEvents = onEvents;
        this.onEnd = onEnd;
    }

    static GatewayWatch open(GatewayClient client, String prefix, long fromRevision, Consumer<List<WatchMessage.Event>> onEvents,
                             Consumer<Throwable> onEnd) throws IOException {
        GatewayWatch w = new GatewayWatch(client.post("/v3/watch", createRequest(prefix, fromRevision)), onEvents, onEnd);
        Thread t = new Thread(w::read, "etcd-watch");
        t.setDaemon(true);
        t.start();
        return w;
    }

    /** {@code {"create_request":{"key":…,"range_end":…,"start_revision":…}}}: every key that starts with {@code prefix}. */
    static String createRequest(String prefix, long fromRevision) {
        byte[] key = prefix.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("key", Base64.getEncoder().encodeToString(key));
        create.put("range_end", Base64.getEncoder().encodeToString(prefixEnd(key)));
        if (fromRevision > 0) {
            create.put("start_revision", fromRevision);
        }
        return Json.write(Map.of("create_request", create));
    }

    /** etcd's range end for a prefix: the prefix with its last byte below 0xff incremented, the rest cut. */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if ((prefix[i] & 0xff) != 0xff) {
                byte[] end = java.util.Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0}; // all 0xff: to the end of the key space
    }

    private void read() {
        Throwable end;
        try (InputStream in = stream.body()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            byte[] buf = new byte[8192];
            String reason = null;
            for (int n; reason == null && (n = in.read(buf)) >= 0; ) {
                int start = 0;
                for (int i = 0; i < n && reason == null; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, start, i - start);
                        start = i + 1;
                        reason = handle(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    }
                }
                if (reason == null) {
                    line.write(buf, start, n - start);
                }
            }
            end = new IOException(reason != null ? reason : "etcd ended the watch stream");
        } catch (IOException | RuntimeException e) {
            end = e;
        }
        if (!closed) {
            closed = true;
            onEnd.accept(end);
        }
    }

    /** Delivers one message's events; returns why the stream ends, or null. */
    private String handle(String text) {
        if (text.isBlank()) {
            return null;
        }
        WatchMessage m = WatchMessage.parse(text);
        if (!m.events().isEmpty()) {
            onEvents.accept(m.events());
        }
        return m.endReason();
    }

    @Override
    public void close() {
        closed = true;
        try {
            stream.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
