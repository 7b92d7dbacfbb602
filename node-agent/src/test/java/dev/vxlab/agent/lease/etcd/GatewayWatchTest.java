package dev.vxlab.agent.lease.etcd;

import dev.vxlab.core.etcd.GatewayClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayWatch} against a loopback socket that answers with etcd's gateway framing (chunked, one JSON
 * message a line), for the cases a real etcd does not produce on demand; the real etcd is in the ITs.
 */
class GatewayWatchTest {
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String CREATED = "{\"result\":{\"header\":{\"revision\":\"7\"},\"created\":true}}\n";

    private ServerSocket server;
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

    /** Serves one connection: reads the request, writes {@code chunks} one chunk each, then ends the response. */
    private GatewayClient serve(String... chunks) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                requests.add(readRequest(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                out.write(HEAD.getBytes(StandardCharsets.UTF_8));
                for (String c : chunks) {
                    byte[] b = c.getBytes(StandardCharsets.UTF_8);
                    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
                    out.write(b);
                    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the test fails on what it did not get
            }
        });
        t.setDaemon(true);
        t.start();
        return new GatewayClient(List.of(URI.create("http://127.0.0.1:" + server.getLocalPort())), null, null, null, Duration.ofSeconds(3));
    }

    /** The request's head and its body (Content-Length bytes), however the client split its writes. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int headEnd = -1;
        int length = 0;
        for (int c; (c = in.read()) >= 0; ) {
            sb.append((char) c);
            if (headEnd < 0 && sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                headEnd = sb.length();
                Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(sb);
                length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            if (headEnd >= 0 && sb.length() >= headEnd + length) {
                break;
            }
        }
        return sb.toString();
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eventsAfterTheCreatedMessageAreDeliveredThenTheEndOfTheStreamIsReported() throws Exception {
        String put = "{\"result\":{\"header\":{\"revision\":\"8\"},\"events\":[{\"kv\":{\"key\":\"L2E=\",\"mod_revision\":\"8\","
                + "\"value\":\"eA==\"}}]}}\n";
        GatewayClient client = serve(CREATED, put.substring(0, 40), put.substring(40));   // a message split over two chunks
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        try (GatewayWatch w = GatewayWatch.open(client, "/a", 8, seen::add, seen::add)) {
            assertEquals(List.of(new WatchMessage.Event(false, "/a", "x", 0, 0, 8)), seen.poll(5, TimeUnit.SECONDS));
            Object end = seen.poll(5, TimeUnit.SECONDS);
            assertTrue(end instanceof IOException e && e.getMessage().equals("etcd ended the watch stream"), String.valueOf(end));
        }
        String request = requests.take();
        assertTrue(request.startsWith("POST /v3/watch HTTP/1.1\r\n"), request);
        assertTrue(request.endsWith(GatewayWatch.createRequest("/a", 8)), request);
    }

    @Test
    void aWatchCancelledInItsFirstAnswerIsRefusedSoThatTheCallerCanUseGrpc() throws Exception {
        GatewayClient client = serve("{\"result\":{\"header\":{},\"created\":true,\"canceled\":true,\"cancel_reason\":\"user name is empty\"}}\n");
        GatewayWatch.Refused e = assertThrows(GatewayWatch.Refused.class, () -> GatewayWatch.open(client, "/a", 1, x -> { }, x -> { }));
        assertEquals("etcd canceled the watch: user name is empty", e.getMessage());
    }

    @Test
    void aCompactedStartRevisionIsNotARefusalButTheEndOfTheWatch() throws Exception {
        GatewayClient client = serve("{\"result\":{\"header\":{},\"created\":true,\"canceled\":true,\"compact_revision\":\"42\"}}\n");
        BlockingQueue<Throwable> ends = new LinkedBlockingQueue<>();
        try (GatewayWatch w = GatewayWatch.open(client, "/a", 1, x -> { }, ends::add)) {
            Throwable end = ends.poll(5, TimeUnit.SECONDS);
            assertTrue(end != null && end.getMessage().contains("compact revision 42"), String.valueOf(end));
        }
    }

    @Test
    void aStreamThatEndsBeforeAnsweringIsAnError() throws Exception {
        GatewayClient client = serve();
        IOException e = assertThrows(IOException.class, () -> GatewayWatch.open(client, "/a", 1, x -> { }, x -> { }));
        assertTrue(e.getMessage().contains("before answering"), e.getMessage());
    }

    @Test
    void watchRequestCoversThePrefixFromTheRevision() {
        // "/coreos.com/network/subnets/" .. "/coreos.com/network/subnets0", as etcdctl watch --prefix asks
        assertEquals("{\"create_request\":{\"key\":\"L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzLw==\","
                + "\"range_end\":\"L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzMA==\",\"start_revision\":17}}",
                GatewayWatch.createRequest("/coreos.com/network/subnets/", 17));
        assertTrue(!GatewayWatch.createRequest("/a/", 0).contains("start_revision"));
    }
}
