package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EtcdTlsTest {
    static final Path KEY;

    static {
        try {
            KEY = Files.createTempFile("etcdtls-", ".key");
            KEY.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LabSpec spec(String provider, String etcd) {
        String ssh = provider.equals("ssh") ? "ssh: {user: root, identityFile: " + KEY + ", knownHosts: " + KEY + "}\n" : "";
        String nodes = provider.equals("ssh")
                ? "nodes:\n  - {name: kube1, ip: 192.168.56.11, ssh: {host: 10.9.0.1}}\n  - {name: kube2, ip: 192.168.56.12, ssh: {host: 10.9.0.2}}\n  - {name: kube3, ip: 192.168.56.13, ssh: {host: 10.9.0.3}}\n"
                : "nodes:\n  - {name: kube1, ip: 192.168.56.11}\n  - {name: kube2, ip: 192.168.56.12}\n  - {name: kube3, ip: 192.168.56.13}\n";
        return SpecLoader.parse("lab.yaml", "name: tl\nprovider: " + provider + "\nunderlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\n"
                + "etcd: " + etcd + "\n" + ssh + nodes);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "netns   | {mode: process}                | false",
        "vagrant | {mode: process}                | true",
        "ssh     | {mode: process}                | true",
        "vagrant | {mode: process, tls: false}    | false",
        "netns   | {mode: process, tls: true}     | true",
        "vagrant | {mode: container, on: kube1}   | true",
    })
    void onWhereEtcdLeavesThisMachineUnlessTheSpecSaysOtherwise(String provider, String etcd, boolean on) {
        LabSpec s = spec(provider, etcd);
        assertEquals(on, EtcdTls.on(s));
        assertEquals(on, EtcdTls.generated(s));
        assertEquals(on ? "https" : "http", EtcdTls.scheme(s));
        assertTrue(EtcdCluster.members(s).stream().allMatch(m -> m.clientUrl().startsWith(EtcdTls.scheme(s) + "://")
                && m.peerUrl().startsWith(EtcdTls.scheme(s) + "://")));
    }

    @Test
    void anExternalEtcdIsReachedAsItsEndpointsAndFilesSay() {
        LabSpec plain = spec("vagrant", "{mode: external, endpoints: [http://10.1.1.1:2379]}");
        assertFalse(EtcdTls.on(plain));
        assertNull(EtcdTls.agentFiles(plain));
        LabSpec caOnly = spec("vagrant", "{mode: external, endpoints: [https://10.1.1.1:2379], caFile: ca.pem}");
        assertTrue(EtcdTls.on(caOnly));
        assertFalse(EtcdTls.generated(caOnly), "vxlab makes no certificate for an etcd it does not start");
        assertEquals(List.of(), EtcdTls.certificates(caOnly, EtcdCluster.members(caOnly)));
        assertEquals(new EtcdTls.AgentFiles("/var/lib/vxlab/pki/ca.pem", null, null), EtcdTls.agentFiles(caOnly));
        LabSpec client = spec("ssh", "{mode: external, endpoints: [https://10.1.1.1:2379], caFile: ca.pem, certFile: c.pem, keyFile: k.pem}");
        assertEquals(new EtcdTls.AgentFiles("/var/lib/vxlab/pki/ca.pem", "/var/lib/vxlab/pki/client.pem", "/var/lib/vxlab/pki/client-key.pem"),
                EtcdTls.agentFiles(client));
    }

    @Test
    void aCertificatePerMemberForItsAddressAndLoopbackOnePerNodeAndOneForVxlab() {
        LabSpec s = spec("vagrant", "{mode: process, on: [kube1, kube2, kube3]}");
        List<EtcdTls.Cert> certs = EtcdTls.certificates(s, EtcdCluster.members(s));
        assertEquals(List.of(
                new EtcdTls.Cert("etcd-kube1", "kube1", List.of("192.168.56.11", "127.0.0.1"), List.of("localhost"), true),
                new EtcdTls.Cert("etcd-kube2", "kube2", List.of("192.168.56.12", "127.0.0.1"), List.of("localhost"), true),
                new EtcdTls.Cert("etcd-kube3", "kube3", List.of("192.168.56.13", "127.0.0.1"), List.of("localhost"), true),
                new EtcdTls.Cert("node-kube1", "kube1", List.of(), List.of(), false),
                new EtcdTls.Cert("node-kube2", "kube2", List.of(), List.of(), false),
                new EtcdTls.Cert("node-kube3", "kube3", List.of(), List.of(), false),
                new EtcdTls.Cert("vxlab", "vxlab", List.of(), List.of(), false)), certs);
        LabSpec here = spec("vagrant", "{mode: process, members: 3}");
        assertEquals(List.of("etcd", "etcd-2", "etcd-3", "node-kube1", "node-kube2", "node-kube3", "vxlab"),
                EtcdTls.certificates(here, EtcdCluster.members(here)).stream().map(EtcdTls.Cert::name).toList());
        assertEquals(List.of("192.168.56.1", "127.0.0.1"), EtcdTls.certificates(here, EtcdCluster.members(here)).get(1).ips());
    }

    @Test
    void etcdRequiresACertificateOfTheLabFromClientsAndPeers() {
        LabSpec s = spec("vagrant", "{mode: process, members: 3}");
        List<EtcdCluster.Member> members = EtcdCluster.members(s);
        List<String> flags = EtcdCluster.flags(s, members, members.get(1), "/d", "/state/pki");
        String joined = String.join(" ", flags);
        assertTrue(joined.contains("--listen-client-urls https://192.168.56.1:22379"), joined);
        assertTrue(joined.contains("--cert-file /state/pki/etcd-2.pem --key-file /state/pki/etcd-2-key.pem --trusted-ca-file /state/pki/ca.pem"
                + " --client-cert-auth"), joined);
        assertTrue(joined.contains("--peer-cert-file /state/pki/etcd-2.pem --peer-key-file /state/pki/etcd-2-key.pem"
                + " --peer-trusted-ca-file /state/pki/ca.pem --peer-client-cert-auth"), joined);
        LabSpec onNode = spec("ssh", "{mode: process, on: kube2}");
        List<EtcdCluster.Member> one = EtcdCluster.members(onNode);
        String node = String.join(" ", EtcdCluster.flags(onNode, one, one.get(0), "/d", EtcdTls.NODE_DIR));
        assertTrue(node.contains("--listen-client-urls https://192.168.56.12:2379,https://127.0.0.1:2379"), node);
        assertTrue(node.contains("--cert-file /var/lib/vxlab/pki/etcd.pem --key-file /var/lib/vxlab/pki/etcd-key.pem"), node);
        assertTrue(node.contains("--initial-advertise-peer-urls https://127.0.0.1:2380"), node);
        LabSpec plain = spec("netns", "{mode: process}");
        assertFalse(String.join(" ", EtcdCluster.flags(plain, EtcdCluster.members(plain), EtcdCluster.members(plain).get(0), "/d", null))
                .contains("cert"));
    }

    @Test
    void upSaysWhenTheSpecTurnsTlsOffOffTheBoxOrOnInASealedLab() {
        assertTrue(EtcdTls.notice(spec("vagrant", "{mode: process, tls: false}")).orElseThrow()
                .startsWith("warning: etcd.tls: false in lab.yaml: etcd answers on the underlay"));
        assertTrue(EtcdTls.notice(spec("netns", "{mode: process, tls: true}")).orElseThrow()
                .startsWith("note: etcd.tls: true with provider netns: the lab's network is sealed inside this machine"));
        assertTrue(EtcdTls.notice(spec("vagrant", "{mode: process}")).isEmpty());
        assertTrue(EtcdTls.notice(spec("netns", "{mode: process}")).isEmpty());
        assertTrue(EtcdTls.notice(spec("ssh", "{mode: process, tls: true}")).isEmpty());
    }

    @Test
    void theProviderGivenOnTheCommandLineDecides() {
        String text = "name: tl\nunderlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\nnodes:\n  - {name: kube1, ip: 192.168.56.11}\n";
        assertFalse(EtcdTls.on(SpecLoader.parse("lab.yaml", text)));
        assertTrue(EtcdTls.on(SpecLoader.parse("lab.yaml", text, LabSpec.Provider.VAGRANT)));
    }
}
