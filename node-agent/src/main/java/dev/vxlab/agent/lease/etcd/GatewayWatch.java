package dev.vxlab.agent.lease.etcd;

import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.KeyRange;
import dev.vxlab.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private final byte[] buf = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private int bufStart;
    private int bufEnd;
    private WatchMessage first; // etcd's answer to the create request, handled first by the reader thread
    private volatile boolean closed;

    /** etcd answered the create request by cancelling the watch at once (not for a compaction): see {@link #open}. */
    static final class Refused extends IOException {
        Refused(String reason) {
            super(reason);
        }
    }

    private GatewayWatch(GatewayClient.Response stream, Consumer<List<WatchMessage.Event>> onEvents, Consumer<Throwable> onEnd) {
        this.stream = stream;
        this.onEvents = onEvents;
        this.onEnd = onEnd;
    }

    /**
     * Sends the create request and reads etcd's first answer (within the client's timeout) before the reader
     * thread starts: a watch etcd cancels at once — the gateway cannot authenticate as the caller's certificate,
     * say — throws {@link Refused}, so that the caller can watch another way. A compacted start revision is not
     * refused: it is reported to {@code onEnd} like any end of the stream.
     */
    static GatewayWatch open(GatewayClient client, String prefix, long fromRevision, Consumer<List<WatchMessage.Event>> onEvents,
                             Consumer<Throwable> onEnd) throws IOException {
        GatewayClient.Response r = client.post("/v3/watch", createRequest(prefix, fromRevision));
        GatewayWatch w = new GatewayWatch(r, onEvents, onEnd);
        try {
            r.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, client.timeout().toMillis()));
            String text = w.nextLine();
            if (text == null) {
                throw new IOException("etcd ended the watch stream before answering the create request");
            }
            WatchMessage m = WatchMessage.parse(text);
            if (m.endReason() != null && m.compactRevision() == 0) {
                throw new Refused(m.endReason());
            }
            r.socket().setSoTimeout(0); // from now on a watch may stay silent for hours
            w.first = m;
        } catch (IOException e) {
            r.close();
            throw e;
        } catch (RuntimeException e) {
            r.close();
            throw new IOException("etcd's watch stream: " + e.getMessage(), e);
        }
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
        create.put("range_end", Base64.getEncoder().encodeToString(KeyRange.prefixEnd(key)));
        if (fromRevision > 0) {
            create.put("start_revision", fromRevision);
        }
        return Json.write(Map.of("create_request", create));
    }

    private void read() {
        Throwable end;
        try {
            String reason = handle(first);
            for (String text; reason == null && (text = nextLine()) != null; ) {
                if (!text.isBlank()) {
                    reason = handle(WatchMessage.parse(text));
                }
            }
            end = new IOException(reason != null ? reason : "etcd ended the watch stream");
        } catch (IOException | RuntimeException e) {
            end = e;
        }
        try {
            stream.close();
        } catch (IOException e) {
            // ending anyway
        }
        if (!closed) {
            closed = true;
            onEnd.accept(end);
        }
    }

    /** The next line of the stream without its newline, or null at its end. */
    private String nextLine() throws IOException {
        InputStream in = stream.body();
        while (true) {
            for (int i = bufStart; i < bufEnd; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, bufStart, i - bufStart);
                    bufStart = i + 1;
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return text;
                }
            }
            line.write(buf, bufStart, bufEnd - bufStart);
            if (line.size() > 16 << 20) {
                throw new IOException("a watch message longer than 16 MiB");
            }
            bufStart = 0;
            bufEnd = in.read(buf);
            if (bufEnd < 0) {
                bufEnd = 0;
                return null;
            }
        }
    }

    /** Delivers one message's events (unless closed meanwhile); returns why the stream ends, or null. */
    private String handle(WatchMessage m) {
        if (!m.events().isEmpty() && !closed) {
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
