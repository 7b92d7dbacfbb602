package dev.vxlab.agent.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** Serves GET /healthz (200 with a one-line state when healthy, 503 with the reason otherwise; flanneld always says 200) and /metrics. */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(String ip, int port, AgentStatus status, Metrics metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(ip, port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + ip + ":" + port + " for /healthz: " + e.getMessage(), e);
        }
        server.createContext("/healthz", exchange -> {
            AgentStatus.Health h = status.health();
            byte[] body = (h.text() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(h.ok() ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/metrics", exchange -> {
            byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "healthz");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
