package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.agent.lease.etcd.EtcdRegistry;
import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.lease.etcd.EtcdSettings;
import dev.vxlab.agent.lease.etcd.FallbackRegistry;
import dev.vxlab.agent.lease.etcd.GatewayRegistry;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.Optional;
import dev.vxlab.core.lease.SubnetKey;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry against etcds set up the ways users run them: TLS with client certificates (--etcd-cafile,
 * --etcd-certfile, --etcd-keyfile; certificates made with openssl), user and password, and the JSON gateway
 * switched off (the watch then goes through gRPC). Each time the watch must report a lease put with etcdctl.
 */
class EtcdAccessIT {
    private static final String PREFIX = "/coreos.com/network";
    private static final String LEASE = "{\"PublicIP\":\"192.168.56.31\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
            + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"02:00:00:00:00:31\"}}";

    @TempDir
    Path dir;

    private static EtcdRegistry registry(URI endpoint, Path ca, Path cert, Path key, String user, String password) {
        return new EtcdRegistry(new EtcdSettings(List.of(endpoint), PREFIX, ca, cert, key, user, password, Duration.ofSeconds(3)));
    }

    private static FallbackRegistry agentRegistry(URI endpoint, Path ca, Path cert, Path key, String user, String password) {
        return FallbackRegistry.open(new EtcdSettings(List.of(endpoint), PREFIX, ca, cert, key, user, password, Duration.ofSeconds(3)));
    }

    /** A claim, a renewal, a replace and a revoke through {@code r}, each checked with etcdctl's view of the key. */
    private static void claimsRenewsAndRevokes(SubnetRegistry r, EtcdProcess etcd, List<String> flags) {
        Ip4Net subnet = Ip4Net.parse("10.244.32.0/24");
        LeaseAttrs attrs = LeaseAttrs.vxlan(Ip4.parse("192.168.56.32"), 1, "02:00:00:00:00:32", new LeaseAttrs.NodeIdentity("kube2", "eth1"));
        Lease l = r.create(subnet, attrs, Duration.ofSeconds(60)).orElseThrow();
        assertEquals(Optional.empty(), r.create(subnet, attrs, Duration.ofSeconds(60)), "taken");
        r.renew(l);
        Lease again = r.replace(l, attrs, Duration.ofSeconds(60)).orElseThrow();
        assertEquals(Optional.empty(), r.replace(l, attrs, Duration.ofSeconds(60)), "changed since read");
        assertEquals(again, r.get(subnet).orElseThrow());
        String key = SubnetKey.of(PREFIX, subnet);
        assertEquals(attrs.toJson(), etcdctlOut(etcd, flags, "get", "--print-value-only", key).strip());
        r.revoke(again);
        assertEquals("", etcdctlOut(etcd, flags, "get", "--print-value-only", key).strip());
    }

    private static String etcdctlOut(EtcdProcess etcd, List<String> flags, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.endpoint()));
        cmd.addAll(flags);
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.run(cmd);
        assertTrue(r.ok(), r.out());
        return r.out();
    }

    private static void etcdctl(EtcdProcess etcd, List<String> flags, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.endpoint()));
        cmd.addAll(flags);
        cmd.addAll(List.of(args));
        Cmd.must(cmd);
    }

    /** A watch from the registry's current revision reports the lease etcdctl puts next. */
    private static void watchSeesAPut(SubnetRegistry r, EtcdProcess etcd, List<String> flags) throws Exception {
        AbstractEtcdRegistryIT.Recorder rec = new AbstractEtcdRegistryIT.Recorder();
        try (AutoCloseable w = r.watch(r.leases().revision() + 1, rec)) {
            etcdctl(etcd, flags, "put", PREFIX + "/subnets/10.244.31.0-24", LEASE);
            String seen = rec.next();
            assertTrue(seen.startsWith("put 10.244.31.0/24 192.168.56.31 lease=0 "), seen);
        }
    }

    private Path openssl(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Cmd.must(cmd);
        return dir.resolve(name);
    }

    /** A CA, and a certificate it signs for 127.0.0.1 (server and client use), keys in PKCS#8 as OpenSSL 3 writes them. */
    private Path[] certificates(String ca) throws IOException {
        return certificates(ca, "leaf", "serverAuth,clientAuth", true);
    }

    private Path[] certificates(String ca, String name, String usage, boolean newCa) throws IOException {
        return certificates(ca, name, usage, "IP:127.0.0.1", newCa);
    }

    /** {ca.pem, leaf.pem, leaf.key} for the names {@code san}; the CA is made when {@code newCa}. */
    private Path[] certificates(String ca, String name, String usage, String san, boolean newCa) throws IOException {
        String d = dir.toString();
        if (newCa) {
            openssl(ca + ".pem", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", d + "/" + ca + ".key", "-out", d + "/" + ca + ".pem", "-days", "1", "-subj", "/CN=" + ca);
        }
        String leaf = ca + "-" + name;
        openssl(leaf + ".csr", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", d + "/" + leaf + ".key", "-out", d + "/" + leaf + ".csr", "-subj", "/CN=root");
        Path ext = Files.writeString(dir.resolve(leaf + ".ext"), "subjectAltName=" + san + "\nextendedKeyUsage=" + usage + "\n");
        openssl(leaf + ".pem", "x509", "-req", "-in", d + "/" + leaf + ".csr", "-CA", d + "/" + ca + ".pem", "-CAkey", d + "/" + ca + ".key",
                "-CAcreateserial", "-out", d + "/" + leaf + ".pem", "-days", "1", "-extfile", ext.toString());
        assertTrue(Files.readString(dir.resolve(leaf + ".key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 key");
        return new Path[] {dir.resolve(ca + ".pem"), dir.resolve(leaf + ".pem"), dir.resolve(leaf + ".key")};
    }

    @Test
    void tlsWithClientCertificates() throws Exception {
        Path[] good = certificates("vxlab-it-ca");
        Path[] other = certificates("other-ca");
        List<String> flags = List.of("--cacert=" + good[0], "--cert=" + good[1], "--key=" + good[2]);
        try (EtcdProcess etcd = EtcdProcess.onLoopback("https", List.of("--cert-file", good[1].toString(), "--key-file", good[2].toString(),
                "--trusted-ca-file", good[0].toString(), "--client-cert-auth"), flags)) {
            etcdctl(etcd, flags, "put", SubnetKey.config(PREFIX), "{\"Network\":\"10.244.0.0/16\"}");
            try (EtcdRegistry r = registry(etcd.endpoint(), good[0], good[1], good[2], null, null)) {
                assertEquals("{\"Network\":\"10.244.0.0/16\"}", r.networkConfig().orElseThrow());
                watchSeesAPut(r, etcd, flags);
            }
            try (FallbackRegistry r = agentRegistry(etcd.endpoint(), good[0], good[1], good[2], null, null)) {
                assertEquals("{\"Network\":\"10.244.0.0/16\"}", r.networkConfig().orElseThrow());
                claimsRenewsAndRevokes(r, etcd, flags);
                watchSeesAPut(r, etcd, flags);
                assertFalse(r.onGrpc(), "all through the JSON gateway");
            }
            try (GatewayRegistry r = new GatewayRegistry(new EtcdSettings(List.of(etcd.endpoint()), PREFIX, other[0], good[1], good[2],
                    null, null, Duration.ofSeconds(3)))) {
                assertThrows(RegistryUnavailableException.class, r::networkConfig, "a server certificate of another CA");
            }
            // a server certificate from another CA is not trusted; no client certificate is refused by etcd
            try (EtcdRegistry r = registry(etcd.endpoint(), other[0], good[1], good[2], null, null)) {
                assertThrows(RegistryUnavailableException.class, () -> r.watch(1, new AbstractEtcdRegistryIT.Recorder()));
            }
            try (EtcdRegistry r = registry(etcd.endpoint(), good[0], null, null, null, null)) {
                assertThrows(RegistryUnavailableException.class, () -> r.watch(1, new AbstractEtcdRegistryIT.Recorder()));
            }
        }
    }

    /**
     * A server certificate the trusted CA signed for other names (another address, a DNS name) than the endpoint's
     * 127.0.0.1: refused by the gateway watch's socket and by the gRPC calls alike, with the CA given.
     */
    @Test
    void tlsServerCertificateForAnotherNameIsRefused() throws Exception {
        Path[] server = certificates("name-ca", "elsewhere", "serverAuth", "IP:127.0.0.2,DNS:etcd.example", true);
        List<String> flags = List.of("--cacert=" + server[0], "--insecure-skip-tls-verify");
        try (EtcdProcess etcd = EtcdProcess.onLoopback("https", List.of("--cert-file", server[1].toString(), "--key-file",
                server[2].toString()), flags)) {
            etcdctl(etcd, flags, "put", SubnetKey.config(PREFIX), "{\"Network\":\"10.244.0.0/16\"}");
            try (EtcdRegistry r = registry(etcd.endpoint(), server[0], null, null, null, null)) {
                RegistryUnavailableException watch = assertThrows(RegistryUnavailableException.class,
                        () -> r.watch(1, new AbstractEtcdRegistryIT.Recorder()));
                assertTrue(watch.getMessage().contains("127.0.0.1"), watch.getMessage());
                assertThrows(RegistryUnavailableException.class, r::networkConfig);
                assertThrows(RegistryUnavailableException.class, r::leases);
            }
            try (GatewayRegistry r = new GatewayRegistry(new EtcdSettings(List.of(etcd.endpoint()), PREFIX, server[0], null, null,
                    null, null, Duration.ofSeconds(3)))) {
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, r::networkConfig);
                assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            }
        }
    }

    /**
     * A server certificate for server use only (as many CAs issue them) with --client-cert-auth: etcd's gateway
     * dials etcd with that certificate and is refused, so it answers 503; the watch then goes through gRPC.
     */
    @Test
    void tlsWhereTheGatewayCannotActForTheClientFallsBackToGrpc() throws Exception {
        Path[] server = certificates("split-ca", "server", "serverAuth", true);
        Path[] client = certificates("split-ca", "client", "clientAuth", false);
        List<String> flags = List.of("--cacert=" + server[0], "--cert=" + client[1], "--key=" + client[2]);
        try (EtcdProcess etcd = EtcdProcess.onLoopback("https", List.of("--cert-file", server[1].toString(), "--key-file",
                server[2].toString(), "--trusted-ca-file", server[0].toString(), "--client-cert-auth"), flags)) {
            Cmd.Result gw = Cmd.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", server[0].toString(),
                    "--cert", client[1].toString(), "--key", client[2].toString(), "-X", "POST", etcd.endpoint() + "/v3/watch",
                    "-d", "{\"create_request\":{\"key\":\"YQ==\"}}"));
            assertTrue(!gw.out().startsWith("200"), "the gateway cannot serve this client: HTTP " + gw.out());
            try (EtcdRegistry r = registry(etcd.endpoint(), server[0], client[1], client[2], null, null)) {
                watchSeesAPut(r, etcd, flags);
            }
            try (FallbackRegistry r = agentRegistry(etcd.endpoint(), server[0], client[1], client[2], null, null)) {
                claimsRenewsAndRevokes(r, etcd, flags);
                assertTrue(r.onGrpc(), "the gateway's 503 at the first call sent the agent's registry to gRPC");
                watchSeesAPut(r, etcd, flags);
            }
        }
    }

    @Test
    void userAndPassword() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.onLoopback("http", List.of(), List.of())) {
            etcdctl(etcd, List.of(), "user", "add", "root", "--new-user-password=s3cret");
            etcdctl(etcd, List.of(), "auth", "enable");
            List<String> flags = List.of("--user=root:s3cret");
            try (EtcdRegistry r = registry(etcd.endpoint(), null, null, null, "root", "s3cret")) {
                watchSeesAPut(r, etcd, flags);
            }
            try (FallbackRegistry r = agentRegistry(etcd.endpoint(), null, null, null, "root", "s3cret")) {
                claimsRenewsAndRevokes(r, etcd, flags);
                watchSeesAPut(r, etcd, flags);
                assertFalse(r.onGrpc());
            }
            try (FallbackRegistry r = agentRegistry(etcd.endpoint(), null, null, null, "root", "wrong")) {
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, r::networkConfig);
                assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
                assertTrue(!e.getMessage().contains("wrong"), "no password in the message: " + e.getMessage());
                assertFalse(r.onGrpc(), "a wrong password is not a reason to try gRPC");
            }
            try (EtcdRegistry r = registry(etcd.endpoint(), null, null, null, "root", "wrong")) {
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                        () -> r.watch(1, new AbstractEtcdRegistryIT.Recorder()));
                assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
                assertTrue(!e.getMessage().contains("wrong"), "no password in the message: " + e.getMessage());
            }
        }
    }

    /**
     * etcd's simple auth tokens expire (--auth-token-ttl, here 2 s): the gateway client keeps an endpoint's token
     * between calls and gets a new one when etcd says it is no longer valid.
     */
    @Test
    void anExpiredAuthTokenIsRenewed() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.onLoopback("http", List.of("--auth-token-ttl=2"), List.of())) {
            etcdctl(etcd, List.of(), "user", "add", "root", "--new-user-password=s3cret");
            etcdctl(etcd, List.of(), "auth", "enable");
            etcdctl(etcd, List.of("--user=root:s3cret"), "put", SubnetKey.config(PREFIX), "{\"Network\":\"10.244.0.0/16\"}");
            try (GatewayRegistry r = new GatewayRegistry(new EtcdSettings(List.of(etcd.endpoint()), PREFIX, null, null, null,
                    "root", "s3cret", Duration.ofSeconds(3)))) {
                assertEquals("{\"Network\":\"10.244.0.0/16\"}", r.networkConfig().orElseThrow());
                Thread.sleep(4000); // the token etcd gave has expired
                assertEquals("{\"Network\":\"10.244.0.0/16\"}", r.networkConfig().orElseThrow());
                claimsRenewsAndRevokes(r, etcd, List.of("--user=root:s3cret"));
            }
        }
    }

    @Test
    void gatewaySwitchedOffWatchesThroughGrpc() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.onLoopback("http", List.of("--enable-grpc-gateway=false"), List.of())) {
            HttpURLConnection c = (HttpURLConnection) URI.create(etcd.endpoint() + "/v3/watch").toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().write("{}".getBytes());
            assertEquals(404, c.getResponseCode(), "the gateway is off");
            try (EtcdRegistry r = registry(etcd.endpoint(), null, null, null, null, null)) {
                watchSeesAPut(r, etcd, List.of());
                watchSeesAPut(r, etcd, List.of()); // and stays on gRPC
            }
            try (FallbackRegistry r = agentRegistry(etcd.endpoint(), null, null, null, null, null)) {
                etcdctl(etcd, List.of(), "put", SubnetKey.config(PREFIX), "{\"Network\":\"10.244.0.0/16\"}");
                assertEquals("{\"Network\":\"10.244.0.0/16\"}", r.networkConfig().orElseThrow());
                assertTrue(r.onGrpc(), "the gateway's 404 at the first call sent the agent's registry to gRPC");
                claimsRenewsAndRevokes(r, etcd, List.of());
                watchSeesAPut(r, etcd, List.of());
            }
        }
    }
}
