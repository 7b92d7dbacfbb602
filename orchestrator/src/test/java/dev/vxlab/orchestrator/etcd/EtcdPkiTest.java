package dev.vxlab.orchestrator.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.spec.EtcdTls;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdPkiTest {
    static final EtcdTls.Cert MEMBER = new EtcdTls.Cert("etcd-kube1", "kube1", List.of("192.168.56.11", "127.0.0.1"), List.of("localhost"), true);
    static final EtcdTls.Cert NODE = new EtcdTls.Cert("node-kube2", "kube2", List.of(), List.of(), false);

    @TempDir
    Path dir;

    static X509Certificate read(Path f) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(f)));
    }

    Map<String, String> contents() throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (var files = Files.list(dir.resolve("pki"))) {
            for (Path f : files.toList()) {
                m.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return m;
    }

    @Test
    void aCaSignsEachCertificateForItsAddressesAndUse() throws Exception {
        EtcdPki pki = new EtcdPki(EtcdPki.dir(dir), "lab1");
        assertEquals(List.of("ca", "etcd-kube1", "node-kube2"), pki.ensure(List.of(MEMBER, NODE)));
        X509Certificate ca = read(pki.cert("ca"));
        X509Certificate member = read(pki.cert("etcd-kube1"));
        X509Certificate node = read(pki.cert("node-kube2"));
        ca.verify(ca.getPublicKey());
        member.verify(ca.getPublicKey());
        node.verify(ca.getPublicKey());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, member.getBasicConstraints(), "a member's certificate signs nothing");
        assertEquals("CN=vxlab lab1 CA,O=vxlab", ca.getSubjectX500Principal().getName());
        assertEquals("CN=kube1,O=vxlab", member.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), member.getExtendedKeyUsage(), "serves, and is a client to its peers");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), node.getExtendedKeyUsage(), "a node's certificate is a client's only");
        assertEquals("[[7, 192.168.56.11], [7, 127.0.0.1], [2, localhost]]", member.getSubjectAlternativeNames().toString());
        assertTrue(EtcdPki.fits(member, ca, MEMBER));
    }

    @Test
    void keysAreTheOwnersAloneAndTheDirectoryToo() throws Exception {
        EtcdPki pki = new EtcdPki(EtcdPki.dir(dir), "lab1");
        pki.ensure(List.of(MEMBER));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(EtcdPki.dir(dir))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.key("ca"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.key("etcd-kube1"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.cert("etcd-kube1"))));
        assertTrue(Files.readString(pki.key("etcd-kube1")).startsWith("-----BEGIN PRIVATE KEY-----\n"), "PKCS#8, as etcd and the agent read it");
        try (var files = Files.list(EtcdPki.dir(dir))) {
            assertEquals(List.of("ca-key.pem", "ca.pem", "etcd-kube1-key.pem", "etcd-kube1.pem"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void aRerunMakesNothingAndAChangedAddressRemakesOnlyThatCertificate() throws Exception {
        EtcdPki pki = new EtcdPki(EtcdPki.dir(dir), "lab1");
        pki.ensure(List.of(MEMBER, NODE));
        Map<String, String> before = contents();
        assertEquals(List.of(), pki.ensure(List.of(MEMBER, NODE)));
        assertEquals(before, contents());

        EtcdTls.Cert moved = new EtcdTls.Cert("etcd-kube1", "kube1", List.of("192.168.56.21", "127.0.0.1"), List.of("localhost"), true);
        assertEquals(List.of("etcd-kube1"), pki.ensure(List.of(moved, NODE)));
        Map<String, String> after = contents();
        assertEquals(before.get("ca.pem"), after.get("ca.pem"));
        assertEquals(before.get("node-kube2.pem"), after.get("node-kube2.pem"));
        assertFalse(before.get("etcd-kube1.pem").equals(after.get("etcd-kube1.pem")));
        assertFalse(before.get("etcd-kube1-key.pem").equals(after.get("etcd-kube1-key.pem")), "a new key with it");
        assertTrue(read(pki.cert("etcd-kube1")).getSubjectAlternativeNames().toString().contains("192.168.56.21"));
    }

    @Test
    void aLostCaMeansANewCaAndEveryCertificateSignedAgain() throws Exception {
        EtcdPki pki = new EtcdPki(EtcdPki.dir(dir), "lab1");
        pki.ensure(List.of(MEMBER, NODE));
        Files.delete(pki.key("ca"));
        assertEquals(List.of("ca", "etcd-kube1", "node-kube2"), pki.ensure(List.of(MEMBER, NODE)));
    }

    @Test
    void anotherLabsCaSignedNoneOfThisLabsCertificates() throws Exception {
        EtcdPki one = new EtcdPki(dir.resolve("one"), "one");
        EtcdPki two = new EtcdPki(dir.resolve("two"), "two");
        one.ensure(List.of(NODE));
        two.ensure(List.of(NODE));
        X509Certificate theirs = read(two.cert("node-kube2"));
        assertThrows(SignatureException.class, () -> theirs.verify(read(one.cert("ca")).getPublicKey()));
        assertFalse(EtcdPki.fits(theirs, read(one.cert("ca")), NODE));
    }

    @Test
    void theClientTlsOfALabReadsItsOwnFiles() {
        EtcdPki pki = new EtcdPki(EtcdPki.dir(dir), "lab1");
        pki.ensure(List.of(new EtcdTls.Cert(EtcdTls.VXLAB, "vxlab", List.of(), List.of(), false)));
        dev.vxlab.core.etcd.PemTls.socketFactory(pki.cert("ca"), pki.cert(EtcdTls.VXLAB), pki.key(EtcdTls.VXLAB)).getDefaultCipherSuites();
    }

    @Test
    void eachNodeGetsTheCaAndItsOwnCertificateOrTheFilesAnExternalEtcdWasGiven() throws Exception {
        Path spec = dir.resolve("lab.yaml");
        String nodes = "nodes:\n  - {name: kube1, ip: 192.168.56.11}\n  - {name: kube2, ip: 192.168.56.12}\n";
        dev.vxlab.orchestrator.spec.LabSpec vagrant = dev.vxlab.orchestrator.spec.SpecLoader.parse(spec.toString(), "name: lab1\nprovider: vagrant\n"
                + "underlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\netcd: {mode: process}\n" + nodes);
        Path state = dir.resolve("state");
        new EtcdPki(EtcdPki.dir(state), "lab1").ensure(EtcdTls.certificates(vagrant,
                dev.vxlab.orchestrator.spec.EtcdCluster.members(vagrant)));
        List<dev.vxlab.orchestrator.render.RenderedFile> files = EtcdPki.nodeFiles(vagrant, state, "kube2");
        assertEquals(List.of("/var/lib/vxlab/pki/ca.pem 0644", "/var/lib/vxlab/pki/client.pem 0644", "/var/lib/vxlab/pki/client-key.pem 0600"),
                files.stream().map(f -> f.path() + " " + f.mode()).toList());
        assertEquals(Files.readString(EtcdPki.dir(state).resolve("node-kube2-key.pem")), files.get(2).content());
        assertEquals("CN=kube2,O=vxlab", read(EtcdPki.dir(state).resolve("node-kube2.pem")).getSubjectX500Principal().getName());

        Files.writeString(dir.resolve("their-ca.pem"), "CA\n");
        Files.writeString(dir.resolve("c.pem"), "CERT");
        Files.writeString(dir.resolve("k.pem"), "KEY\n");
        dev.vxlab.orchestrator.spec.LabSpec external = dev.vxlab.orchestrator.spec.SpecLoader.parse(spec.toString(), "name: lab1\nprovider: ssh\n"
                + "underlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\netcd: {mode: external, endpoints: [https://10.1.1.1:2379],"
                + " caFile: their-ca.pem, certFile: c.pem, keyFile: k.pem}\nssh: {user: root, identityFile: k.pem, knownHosts: c.pem}\n" + nodes);
        assertEquals(List.of("/var/lib/vxlab/pki/ca.pem 0644 CA\n", "/var/lib/vxlab/pki/client.pem 0644 CERT\n", "/var/lib/vxlab/pki/client-key.pem 0600 KEY\n"),
                EtcdPki.nodeFiles(external, state, "kube1").stream().map(f -> f.path() + " " + f.mode() + " " + f.content()).toList());
        dev.vxlab.orchestrator.spec.LabSpec netns = dev.vxlab.orchestrator.spec.SpecLoader.parse(spec.toString(), "name: lab1\n"
                + "underlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\n" + nodes);
        assertEquals(List.of(), EtcdPki.nodeFiles(netns, state, "kube1"), "no TLS, no files");
    }
}
