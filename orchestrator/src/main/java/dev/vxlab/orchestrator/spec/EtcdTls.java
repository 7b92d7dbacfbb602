package dev.vxlab.orchestrator.spec;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TLS for the lab's etcd, computed from the spec alone (pure): whether it is on, the certificates the lab's own CA
 * signs, where each file sits, and etcd's TLS flags.
 * <ul>
 *   <li><b>When.</b> Where etcd is reachable off this machine (providers vagrant and ssh: etcd listens on the
 *   underlay) vxlab starts it with TLS and client-certificate auth unless the spec says {@code etcd: {tls:
 *   false}}; on provider netns the underlay is sealed inside this machine and TLS is off unless asked for. An
 *   external etcd's TLS is what the spec gives: https endpoints, {@code caFile}, {@code certFile}/{@code keyFile}.</li>
 *   <li><b>Certificates.</b> One CA per lab (its key never leaves the lab's state on this machine); per member a
 *   certificate for the member's address and 127.0.0.1 (vxlab reaches a member on a node through a port forwarded
 *   to the node's loopback), valid for serving and as a client (etcd's peers, and its own JSON gateway, use it as
 *   one); per node a client certificate; one client certificate for vxlab itself. A certificate of another lab is
 *   signed by another CA, so etcd refuses it.</li>
 *   <li><b>Files.</b> On this machine under the lab's state ({@code pki/}, keys 0600); on a node under
 *   {@value #NODE_DIR}: {@value #CA}, the node's {@value #CLIENT} and {@value #CLIENT_KEY}, and on a node that runs a
 *   member {@value #MEMBER}.pem and {@value #MEMBER}-key.pem. The agents get flanneld's flags for them.</li>
 * </ul>
 */
public final class EtcdTls {
    /** Where a node keeps the lab's CA and its certificates (under /var/lib/vxlab, which `down` removes). */
    public static final String NODE_DIR = "/var/lib/vxlab/pki";
    public static final String CA = "ca.pem";
    public static final String CLIENT = "client.pem";
    public static final String CLIENT_KEY = "client-key.pem";
    /** The base name of a node's etcd member's certificate on that node. */
    public static final String MEMBER = "etcd";
    /** The base name of vxlab's own client certificate in the lab's state. */
    public static final String VXLAB = "vxlab";
    /** The base name of the CA's certificate and key in the lab's state. */
    public static final String CA_NAME = "ca";

    private EtcdTls() {
    }

    /** One certificate the lab's CA signs: {@code name} its base name in the lab's state (name.pem, name-key.pem). */
    public record Cert(String name, String commonName, List<String> ips, List<String> dnsNames, boolean server) {
        public Cert {
            ips = List.copyOf(ips);
            dnsNames = List.copyOf(dnsNames);
        }
    }

    /** Whether vxlab and the agents reach the lab's etcd over TLS. */
    public static boolean on(LabSpec spec) {
        LabSpec.Etcd e = spec.etcd();
        if (e.mode() == LabSpec.EtcdMode.EXTERNAL) {
            return e.caFile() != null || e.certFile() != null || e.endpoints().stream().map(URI::getScheme).anyMatch("https"::equalsIgnoreCase);
        }
        return e.tls() != null ? e.tls() : spec.provider() != LabSpec.Provider.NETNS;
    }

    /** Whether vxlab makes the lab's certificates (it starts etcd, with TLS). */
    public static boolean generated(LabSpec spec) {
        return spec.etcd().mode() != LabSpec.EtcdMode.EXTERNAL && on(spec);
    }

    /** The scheme of the lab's etcd URLs. */
    public static String scheme(LabSpec spec) {
        return on(spec) ? "https" : "http";
    }

    /** What `up` should tell about a choice the spec made against the provider's default (empty: nothing). */
    public static Optional<String> notice(LabSpec spec) {
        LabSpec.Etcd e = spec.etcd();
        if (e.mode() == LabSpec.EtcdMode.EXTERNAL || e.tls() == null) {
            return Optional.empty();
        }
        boolean sealed = spec.provider() == LabSpec.Provider.NETNS;
        if (!e.tls() && !sealed) {
            return Optional.of("warning: etcd.tls: false in " + spec.source() + ": etcd answers on the underlay, where every machine of it"
                    + " can reach it, without TLS or client certificates: anyone there can read and rewrite the lab's leases; leave tls"
                    + " out for the lab's own CA and a certificate per node");
        }
        if (e.tls() && sealed) {
            return Optional.of("note: etcd.tls: true with provider netns: the lab's network is sealed inside this machine, so TLS guards"
                    + " nothing an outsider could reach; it is on as asked (the same CA and certificates as a vagrant or ssh lab)");
        }
        return Optional.empty();
    }

    /** The certificates of the lab (empty when vxlab makes none): every member's, every node's, then vxlab's own. */
    public static List<Cert> certificates(LabSpec spec, List<EtcdCluster.Member> members) {
        List<Cert> certs = new ArrayList<>();
        if (!generated(spec)) {
            return certs;
        }
        for (EtcdCluster.Member m : members) {
            certs.add(new Cert(memberName(m), m.name(), List.of(m.ip(), "127.0.0.1"), List.of("localhost"), true));
        }
        for (LabSpec.Node n : spec.nodes()) {
            certs.add(new Cert(nodeName(n.name()), n.name(), List.of(), List.of(), false));
        }
        certs.add(new Cert(VXLAB, "vxlab", List.of(), List.of(), false));
        return certs;
    }

    /** Member {@code m}'s certificate's base name in the lab's state: etcd, etcd-2 ... on this machine; etcd-NODE on a node. */
    public static String memberName(EtcdCluster.Member m) {
        return m.here() ? m.pidRole() : MEMBER + "-" + m.node();
    }

    /** Node {@code node}'s client certificate's base name in the lab's state. */
    public static String nodeName(String node) {
        return "node-" + node;
    }

    /**
     * etcd's TLS flags for member {@code m}, its files in {@code dir} (this machine: the lab's state, or where a
     * container mounts it; a node: {@link #NODE_DIR}): client and peer TLS, each requiring a certificate of the lab's CA.
     */
    public static List<String> flags(EtcdCluster.Member m, String dir) {
        String base = m.here() ? memberName(m) : MEMBER;
        String cert = dir + "/" + base + ".pem";
        String key = dir + "/" + base + "-key.pem";
        String ca = dir + "/" + CA;
        return List.of("--cert-file", cert, "--key-file", key, "--trusted-ca-file", ca, "--client-cert-auth",
                "--peer-cert-file", cert, "--peer-key-file", key, "--peer-trusted-ca-file", ca, "--peer-client-cert-auth");
    }

    /** The TLS files as the agent on a node finds them: CA, certificate, key (the last two null: no client certificate). */
    public record AgentFiles(String caFile, String certFile, String keyFile) {
    }

    /** The agent's TLS files on every node, or null when TLS is off (an external etcd may give a CA alone). */
    public static AgentFiles agentFiles(LabSpec spec) {
        if (!on(spec)) {
            return null;
        }
        LabSpec.Etcd e = spec.etcd();
        boolean ca = generated(spec) || e.caFile() != null;
        boolean client = generated(spec) || e.certFile() != null;
        return new AgentFiles(ca ? NODE_DIR + "/" + CA : null, client ? NODE_DIR + "/" + CLIENT : null,
                client ? NODE_DIR + "/" + CLIENT_KEY : null);
    }
}
