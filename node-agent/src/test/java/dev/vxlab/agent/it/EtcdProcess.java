package dev.vxlab.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd as a plain process (the Debian etcd-server binary), optionally inside a network namespace the test
 * owns. Its data directory survives {@link #interrupt()}, so a restart brings back the same keys and leases.
 */
final class EtcdProcess implements EtcdServer {
    private final List<String> prefix;
    private final String host;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path log;
    private final String scheme;
    private final List<String> extraArgs;
    private final List<String> etcdctlFlags;
    private Process process;

    /** On 127.0.0.1 in the root namespace, on free ports. */
    static EtcdProcess onLoopback() {
        return new EtcdProcess(List.of(), "127.0.0.1", freePort(), freePort(), "http", List.of(), List.of());
    }

    /**
     * On 127.0.0.1 with more etcd flags (TLS, gateway off, …); {@code etcdctlFlags} are what etcdctl then needs
     * to check its health (--cacert, --cert, --key).
     */
    static EtcdProcess onLoopback(String scheme, List<String> extraArgs, List<String> etcdctlFlags) {
        return new EtcdProcess(List.of(), "127.0.0.1", freePort(), freePort(), scheme, extraArgs, etcdctlFlags);
    }

    /** Inside network namespace {@code netns}, listening on {@code ip}:2379. */
    static EtcdProcess inNamespace(String netns, String ip) {
        return inNamespace(netns, ip, List.of());
    }

    /** The same with more etcd flags ({@code --enable-grpc-gateway=false}, …). */
    static EtcdProcess inNamespace(String netns, String ip, List<String> extraArgs) {
        return new EtcdProcess(List.of("ip", "netns", "exec", netns), ip, 2379, 2380, "http", extraArgs, List.of());
    }

    private EtcdProcess(List<String> prefix, String host, int clientPort, int peerPort, String scheme, List<String> extraArgs,
                        List<String> etcdctlFlags) {
        this.prefix = prefix;
        this.scheme = scheme;
        this.extraArgs = List.copyOf(extraArgs);
        this.etcdctlFlags = List.copyOf(etcdctlFlags);
        this.host = host;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        try {
            this.dataDir = Files.createTempDirectory("vxlab-it-etcd-");
            this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private void start() {
        List<String> cmd = new ArrayList<>(prefix);
        String client = scheme + "://" + host + ":" + clientPort;
        cmd.addAll(List.of("etcd", "--name", "it", "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "it=http://127.0.0.1:" + peerPort));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (apt-get install etcd-server)", e);
        }
        if (prefix.isEmpty() && scheme.equals("http")) {
            waitHealthy();
        } else {
            waitInNamespace();
        }
    }

    private void waitHealthy() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            sleep(100);
        }
        throw new IllegalStateException("etcd did not become healthy; see " + log);
    }

    /** etcdctl's health check, in the namespace and with the TLS flags etcd needs. */
    private void waitInNamespace() {
        List<String> check = new ArrayList<>(prefix);
        check.addAll(List.of("etcdctl", "--endpoints=" + endpoint(), "--dial-timeout=1s"));
        check.addAll(etcdctlFlags);
        check.addAll(List.of("endpoint", "health"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Cmd.run(check).ok()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("etcd did not become healthy; see " + log);
    }

    @Override
    public URI endpoint() {
        return URI.create(scheme + "://" + host + ":" + clientPort);
    }

    @Override
    public void interrupt() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void resume() {
        start();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Cmd.run(List.of("rm", "-rf", dataDir.toString(), log.toString()));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
