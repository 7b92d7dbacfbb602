package dev.vxlab.orchestrator.cli;

import static dev.vxlab.orchestrator.cli.EtcdClusterIT.health;
import static dev.vxlab.orchestrator.cli.EtcdClusterIT.leased;
import static dev.vxlab.orchestrator.cli.EtcdClusterIT.leftovers;
import static dev.vxlab.orchestrator.cli.LabUpIT.ipState;
import static dev.vxlab.orchestrator.cli.LabUpIT.run;
import static dev.vxlab.orchestrator.cli.LabUpIT.run0;
import static dev.vxlab.orchestrator.cli.LabUpIT.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.core.Lab;
import dev.vxlab.orchestrator.etcd.EtcdPki;
import dev.vxlab.orchestrator.spec.EtcdTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd with TLS and client-certificate auth for real, as root: the lab's CA and certificates made by `up`, a
 * 3-member cluster in the netns nodes (peers over TLS too) and a member in a container on this machine, the agents
 * reaching it with their own certificates (flanneld's --etcd-cafile/certfile/keyfile from the sysconfig file). From
 * a node, etcdctl without a certificate, and with a certificate of another lab, is refused; with the node's own it
 * is let in. No key appears in what vxlab prints or in the agent's log; a re-run signs nothing; down leaves nothing.
 * Underlays 192.168.72-73.0/24, labs ittlsn and ittlsh.
 */
class EtcdTlsLabIT {
    static Path state;
    static Path other;

    @BeforeAll
    static void stateDir() throws IOException {
        state = Files.createTempDirectory("vxlab-it-tls-");
        System.setProperty("vxlab.state.home", state.toString());
        other = Files.createTempDirectory("vxlab-it-tls-other-");
    }

    @AfterAll
    static void cleanup() {
        for (String lab : List.of("ittlsn", "ittlsh")) {
            run("down", lab);
        }
        Lab.deleteTree(state);
        Lab.deleteTree(other);
    }

    static void noSecret(String what, String text) {
        assertFalse(text.contains("PRIVATE KEY") || text.contains("-----BEGIN"), what + " shows a key or certificate:\n" + text);
    }

    /** etcdctl on {@code node} against {@code endpoint} with {@code tls} (its flags); its exit code and what it said. */
    static LabUpIT.Run etcdctl(String lab, String node, String endpoint, String tls) {
        return run("ssh", lab, node, "--", "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint + " --dial-timeout=3s --command-timeout=5s "
                + tls + " get --prefix /coreos.com/network/subnets/ --keys-only 2>&1");
    }

    @Test
    void threeMembersOnTheNodesTakeOnlyTheLabsCertificates() throws Exception {
        String before = ipState();
        LabUpIT.Run up = run("up", spec("tls-nodes-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("process on kube1, kube2, kube3 at [https://192.168.72.11:2379, https://192.168.72.12:2379,"
                + " https://192.168.72.13:2379] (3 members, asked for in the spec); TLS, client certificates required (the lab's CA in "), up.out());
        assertTrue(up.out().contains("note: etcd.tls: true with provider netns"), up.out());
        assertTrue(up.out().contains("all 6 pairs ping"), up.out());
        noSecret("up", up.out() + up.err());

        Path pki = EtcdPki.dir(state.resolve("labs").resolve("ittlsn"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("ca-key.pem"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("node-kube2-key.pem"))));
        LabUpIT.Run files = run("ssh", "ittlsn", "kube2", "--", "stat -c '%a %n' /var/lib/vxlab/pki/*; cat /etc/sysconfig/flanneld");
        assertTrue(files.out().contains("600 /var/lib/vxlab/pki/client-key.pem") && files.out().contains("600 /var/lib/vxlab/pki/etcd-key.pem")
                && files.out().contains("644 /var/lib/vxlab/pki/ca.pem"), files.out());
        assertTrue(files.out().contains("FLANNELD_ETCD_CERTFILE=\"/var/lib/vxlab/pki/client.pem\""), files.out());
        assertTrue(files.out().contains("FLANNEL_ETCD_ENDPOINTS=\"https://192.168.72.11:2379,https://192.168.72.12:2379,https://192.168.72.13:2379\""),
                files.out());

        LabUpIT.Run statusRun = run("status", "ittlsn", "--json");
        assertEquals(0, statusRun.code(), statusRun.err());
        noSecret("status --json", statusRun.out());
        Map<String, Object> st = Json.parseObject(statusRun.out().trim());
        assertEquals(List.of("healthy", "healthy", "healthy"), health(st));
        assertEquals(3, leased(st).size(), st.toString());
        LabUpIT.Run log = run("ssh", "ittlsn", "kube3", "--", "cat /var/log/vxlabd.log");
        noSecret("the agent's log", log.out());
        assertTrue(log.out().contains("Subnet lease acquired") || log.out().contains("reusing"), log.out());

        // from a node: etcd lets in the node's own certificate, and no client without one or with another lab's
        String endpoint = "https://192.168.72.12:2379";
        String ca = "--cacert=/var/lib/vxlab/pki/ca.pem";
        LabUpIT.Run own = etcdctl("ittlsn", "kube1", endpoint, ca + " --cert=/var/lib/vxlab/pki/client.pem --key=/var/lib/vxlab/pki/client-key.pem");
        assertEquals(0, own.code(), own.out());
        assertEquals(3, own.out().lines().filter(l -> l.startsWith("/coreos.com/network/subnets/")).count(), own.out());
        LabUpIT.Run none = etcdctl("ittlsn", "kube1", endpoint, ca);
        assertNotEquals(0, none.code(), "etcd let in a client without a certificate: " + none.out());
        EtcdPki theirs = new EtcdPki(other, "ittlsx");
        theirs.ensure(List.of(new EtcdTls.Cert(EtcdTls.nodeName("kube1"), "kube1", List.of(), List.of(), false)));
        LabUpIT.Run foreign = etcdctl("ittlsn", "kube1", endpoint, ca + " --cert=" + theirs.cert("node-kube1") + " --key=" + theirs.key("node-kube1"));
        assertNotEquals(0, foreign.code(), "etcd let in another lab's certificate: " + foreign.out());
        LabUpIT.Run plain = etcdctl("ittlsn", "kube1", endpoint.replace("https", "http"), "");
        assertNotEquals(0, plain.code(), "etcd answered plain HTTP: " + plain.out());

        LabUpIT.Run again = run("up", spec("tls-nodes-lab.yaml"));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("client certificates required (the lab's CA in " + pki + ")"), "nothing signed again:\n" + again.out());
        assertTrue(again.out().contains("already running on kube1, kube2, kube3"), again.out());
        assertTrue(again.out().contains("kube2 /var/lib/vxlab/pki/client-key.pem unchanged"), again.out());

        LabUpIT.Run down = run("down", "ittlsn");
        assertEquals(0, down.code(), down.err());
        assertFalse(Files.exists(state.resolve("labs").resolve("ittlsn")), "lab state (and its CA) removed");
        assertEquals(List.of(), leftovers(before, "ittlsn", "192\\.168\\.72\\."));
    }

    @Test
    void aMemberInAContainerHereReadsTheCertificatesItIsGiven() {
        String before = ipState();
        LabUpIT.Run up = run("up", spec("tls-here-lab.yaml"));
        assertEquals(0, up.code(), up.out() + up.err());
        assertTrue(up.out().contains("container at [https://192.168.73.1:2379]"), up.out());
        assertTrue(up.out().contains("all 2 pairs ping"), up.out());
        noSecret("up", up.out() + up.err());
        String inspect = run0("docker", "inspect", "-f", "{{json .Mounts}} {{json .Args}}", "vxlab-ittlsh-etcd");
        assertTrue(inspect.contains("\"Destination\":\"/var/lib/vxlab/pki\"") && inspect.contains("\"RW\":false"), inspect);
        assertTrue(inspect.contains("--client-cert-auth"), inspect);
        Map<String, Object> st = Json.parseObject(run("status", "ittlsh", "--json").out().trim());
        assertEquals(2, leased(st).size(), st.toString());

        LabUpIT.Run down = run("down", "ittlsh");
        assertEquals(0, down.code(), down.err());
        assertEquals("", run0("docker", "ps", "-aq", "--filter", "label=dev.vxlab.lab=ittlsh").trim(), "no etcd container left");
        assertEquals(List.of(), leftovers(before, "ittlsh", "192\\.168\\.73\\."));
    }
}
