package dev.vxlab.core.etcd;

import dev.vxlab.core.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * etcd's JSON gateway (the HTTP/1.1 face of its v3 API on the same client URLs, on by default) reached with a
 * plain socket: one POST per connection, the response's body as a stream. Used for the lease watch, whose
 * events then cost a socket read and a small JSON parse instead of gRPC's HTTP/2 and protobuf machinery.
 * TLS and credentials follow the registry's settings.
 */
public final class GatewayClient {
    private final List<URI> endpoints;
    private final SSLSocketFactory tls; // null: plain TCP
    private final String username;
    private final String password;
    private final Duration timeout;
    private volatile int preferred; // the endpoint that answered last: tried first
    private final Map<URI, String> tokens = new ConcurrentHashMap<>(); // each endpoint's last auth token

    /** A response whose status line and head have been read; {@link #body} is already de-chunked. */
    public record Response(Socket socket, int status, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The gateway answered, but not with 200. */
    public static final class StatusException extends IOException {
        public final int status;
        /** The start of the answer's body: etcd's JSON error ({@code {"error":…,"code":…}}) or Go's plain text. */
        public final String body;

        public StatusException(URI endpoint, String path, int status, String body) {
            super("POST " + endpoint + path + " answered HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
            this.status = status;
            this.body = body;
        }

        /**
         * The URL is not served at all: etcd's HTTP mux answers its plain-text "404 page not found" when the
         * gateway is off ({@code --enable-grpc-gateway=false}) or older than the v3 paths; an etcd error that maps
         * to 404 (a lease not found) comes as JSON instead.
         */
        public boolean gatewayOff() {
            return status == 404 && !body.stripLeading().startsWith("{");
        }
    }

    public GatewayClient(List<URI> endpoints, SSLSocketFactory tls, String username, String password, Duration timeout) {
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.username = username;
        this.password = password;
        this.timeout = timeout;
    }

    /**
     * POSTs {@code json} to {@code path} on the first endpoint that answers, authenticating first when the
     * settings carry credentials. The socket has no read timeout once the head is in (a watch idles for hours).
     */
    public Response post(String path, String json) throws IOException {
        IOException last = null;
        int first = preferred;
        for (int k = 0; k < endpoints.size(); k++) {
            int i = (first + k) % endpoints.size();
            URI endpoint = endpoints.get(i);
            try {
                Response r = post(endpoint, path, json);
                preferred = i;
                return r;
            } catch (StatusException e) {
                if (e.status < 500) {
                    throw e; // etcd answered: another member would say the same
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no etcd endpoints");
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * One POST to {@code endpoint}, with a token when the settings carry credentials: the one this endpoint gave
     * last (etcd hashes the password with bcrypt, tens of ms a time, so not once per call), a fresh one when etcd
     * says that token is no longer valid (a simple token expires after --auth-token-ttl, 5 min by default).
     */
    private Response post(URI endpoint, String path, String json) throws IOException {
        if (username == null) {
            return post(endpoint, path, json, null);
        }
        String cached = tokens.get(endpoint);
        String token = cached != null ? cached : authenticate(endpoint);
        try {
            Response r = post(endpoint, path, json, token);
            tokens.put(endpoint, token);
            return r;
        } catch (StatusException e) {
            if (cached == null || e.status != 401) {
                throw e;
            }
            tokens.remove(endpoint);
            token = authenticate(endpoint);
            Response r = post(endpoint, path, json, token);
            tokens.put(endpoint, token);
            return r;
        }
    }

    private String authenticate(URI endpoint) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", username);
        req.put("password", password == null ? "" : password);
        try (Response r = post(endpoint, "/v3/auth/authenticate", Json.write(req), null)) {
            Object token = Json.parseObject(readAll(r.body())).get("token");
            if (!(token instanceof String t) || t.isEmpty()) {
                throw new IOException("etcd's /v3/auth/authenticate answered without a token");
            }
            return t;
        } catch (StatusException e) {
            // wrong user or password: not a reason to watch through gRPC instead (see EtcdRegistry.watch)
            throw new IOException("etcd refused user " + username + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("etcd's /v3/auth/authenticate answered something unexpected: " + e.getMessage(), e);
        }
    }

    private Response post(URI endpoint, String path, String json, String token) throws IOException {
        String host = endpoint.getHost();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : 2379;
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            keepAlive(s);
            s.connect(new InetSocketAddress(host, port), ms);
            s.setSoTimeout(ms); // the TLS handshake and the answer's head
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(s, host, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the endpoint's host
                ssl.setSSLParameters(p);
                s = ssl;
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(160)
                    .append("POST ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            if (token != null) {
                head.append("Authorization: ").append(token).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(HttpLines.ascii(head.toString()));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            Response r = readHead(s, in);
            if (r.status() != 200) {
                String text = readAll(r.body());
                throw new StatusException(endpoint, path, r.status(), text.length() > 300 ? text.substring(0, 300) : text);
            }
            s.setSoTimeout(0);
            return r;
        } catch (IOException e) {
            s.close();
            throw e;
        } catch (RuntimeException e) {
            s.close();
            throw new IOException("unexpected answer from " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * TCP keepalive probes after 10 s of silence, every 5 s, 3 of them: a watch idles for hours, and without
     * probes a member that vanished without a reset (host down, cable cut) would leave it waiting for about
     * two hours (Linux's defaults), as jetcd's gRPC keepalive did not.
     */
    private static void keepAlive(Socket s) throws IOException {
        s.setKeepAlive(true);
        try {
            s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 10);
            s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
            s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        } catch (UnsupportedOperationException | LinkageError e) {
            // not on this platform or runtime (jdk.net missing): the system's keepalive times apply
        }
    }

    /** Reads the status line and the headers; the returned body is bounded by Content-Length or de-chunked. */
    public static Response readHead(Socket s, InputStream in) throws IOException {
        String status = HttpLines.read(in);
        if (status == null || !status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        boolean chunked = false;
        long length = -1;
        for (String h = HttpLines.read(in); h != null && !h.isEmpty(); h = HttpLines.read(in)) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + value);
                }
            }
        }
        InputStream body = chunked ? new ChunkedInputStream(in) : length >= 0 ? new BoundedInputStream(in, length) : in;
        return new Response(s, code, body);
    }

    public static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            if (out.size() > 1 << 20) {
                throw new IOException("answer larger than 1 MiB");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The first {@code length} bytes of a stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                left--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
