package dev.vxlab.orchestrator.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.etcd.PemTls;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real etcd (the etcd binary, on 127.0.0.1 only) started with the flags {@link EtcdTls#flags} gives and the
 * certificates {@link EtcdPki} signs: vxlab's own gateway and a node's client certificate are let in; a client
 * without a certificate, a client with a certificate of another lab, and plain HTTP are refused.
 */
class EtcdTlsIT {
    static final String LAB = "ittls";

    @TempDir
    Path tmp;
    Process etcd;
    String endpoint;
    EtcdPki pki;
    LabSpec spec;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void startEtcd() throws Exception {
        spec = SpecLoader.parse(tmp.resolve("lab.yaml").toString(), "name: " + LAB + "\nprovider: vagrant\n"
                + "underlay: {cidr: 192.168.74.0/24, hostIp: 192.168.74.1}\netcd: {mode: process}\nnodes:\n  - {name: kube1, ip: 192.168.74.11}\n");
        assertTrue(EtcdTls.generated(spec), "a vagrant lab's etcd has TLS by default");
        Path state = tmp.resolve("state");
        pki = new EtcdPki(EtcdPki.dir(state), LAB);
        // the lab's certificates as EtcdTls lists them (its nodes', vxlab's), and a member's for 127.0.0.1, where this test's etcd listens
        List<EtcdTls.Cert> certs = new ArrayList<>(EtcdTls.certificates(spec, List.of()));
        certs.add(new EtcdTls.Cert("etcd", "vxlab-" + LAB, List.of("127.0.0.1"), List.of("localhost"), true));
        pki.ensure(certs);
        endpoint = "https://127.0.0.1:" + freePort();
        String peer = "https://127.0.0.1:" + freePort();
        EtcdCluster.Member member = new EtcdCluster.Member(1, "tls-it", null, "127.0.0.1", endpoint, peer, null);
        List<String> cmd = new ArrayList<>(List.of("etcd", "--name", member.name(), "--data-dir", tmp.resolve("data").toString(),
                "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", member.name() + "=" + peer));
        cmd.addAll(EtcdTls.flags(member, EtcdPki.dir(state).toString()));
        etcd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("etcd.log").toFile()).start();
        EtcdGateway gateway = HttpEtcdGateway.forLab(spec, state);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!gateway.healthy(endpoint)) {
            assertTrue(etcd.isAlive(), "etcd exited: " + Files.readString(tmp.resolve("etcd.log")));
            assertTrue(System.nanoTime() < deadline, "etcd did not answer healthy over TLS: " + Files.readString(tmp.resolve("etcd.log")));
            Thread.sleep(100);
        }
    }

    @AfterEach
    void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void vxlabWithItsOwnCertificateWritesAndReadsTheLabsKeys() {
        EtcdGateway gateway = HttpEtcdGateway.forLab(spec, tmp.resolve("state"));
        assertTrue(gateway.writeConfig(endpoint, "/coreos.com/network", "{\"Network\":\"10.244.0.0/16\"}"));
        assertFalse(gateway.writeConfig(endpoint, "/coreos.com/network", "{\"Network\":\"10.244.0.0/16\"}"), "unchanged");
        assertEquals("{\"Network\":\"10.244.0.0/16\"}", gateway.range(endpoint, "/coreos.com/network/config").get("/coreos.com/network/config"));
        assertTrue(gateway.memberStatus(endpoint).isPresent());
    }

    @Test
    void aNodesClientCertificateIsLetInAsTheAgentUsesIt() throws Exception {
        GatewayKv kv = new GatewayKv(new GatewayClient(List.of(URI.create(endpoint)),
                PemTls.socketFactory(pki.cert("ca"), pki.cert("node-kube1"), pki.key("node-kube1")), null, null, Duration.ofSeconds(5)));
        kv.put("/coreos.com/network/subnets/10.244.1.0-24", "{}");
        assertEquals(1, kv.rangePrefix("/coreos.com/network/subnets/").kvs().size());
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        GatewayClient noCert = new GatewayClient(List.of(URI.create(endpoint)), PemTls.socketFactory(pki.cert("ca"), null, null), null, null,
                Duration.ofSeconds(5));
        assertThrows(IOException.class, () -> new GatewayKv(noCert).rangePrefix("/coreos.com/network/"));
        assertFalse(new HttpEtcdGateway(PemTls.socketFactory(pki.cert("ca"), null, null), "curl").healthy(endpoint));
    }

    @Test
    void aCertificateOfAnotherLabIsRefused() {
        EtcdPki other = new EtcdPki(tmp.resolve("other"), "other");
        other.ensure(List.of(new EtcdTls.Cert("node-kube1", "kube1", List.of(), List.of(), false)));
        // trusting this lab's etcd, presenting the other lab's node certificate (same node name, another CA)
        GatewayClient theirs = new GatewayClient(List.of(URI.create(endpoint)),
                PemTls.socketFactory(pki.cert("ca"), other.cert("node-kube1"), other.key("node-kube1")), null, null, Duration.ofSeconds(5));
        assertThrows(IOException.class, () -> new GatewayKv(theirs).rangePrefix("/coreos.com/network/"));
        assertFalse(new HttpEtcdGateway(PemTls.socketFactory(pki.cert("ca"), other.cert("node-kube1"), other.key("node-kube1")), "curl")
                .healthy(endpoint));
    }

    @Test
    void plainHttpGetsNothingAndTheHintNamesTheFilesNotTheirContents() throws Exception {
        assertFalse(new HttpEtcdGateway().healthy(endpoint.replace("https", "http")));
        VxlabException e = assertThrows(VxlabException.class, () ->
                new HttpEtcdGateway(PemTls.socketFactory(pki.cert("ca"), null, null), "curl --cacert " + pki.cert("ca"))
                        .writeConfig(endpoint, "/coreos.com/network", "{}"));
        String said = e.getMessage() + " " + e.hint();
        assertTrue(said.contains("curl --cacert " + pki.cert("ca") + " " + endpoint + "/health"), said);
        assertFalse(said.contains("PRIVATE KEY") || said.contains("BEGIN"), said);
    }
}
