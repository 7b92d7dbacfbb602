package dev.vxlab.agent.config;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * vxlabd's command line, flag for flag as flanneld spells it. Every field is nullable: a null field was not
 * given in that source, so that flags, FLANNELD_* variables and the sysconfig file can be layered (see
 * {@link ConfigLoader}). Defaults are applied when the layers are resolved into an {@link AgentConfig}.
 */
@Command(name = "vxlabd", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = AgentOptions.Version.class,
        usageHelpWidth = 110,
        description = {
            "flannel-compatible node agent: leases this node's container subnet in etcd (flannel's etcd v3 schema),",
            "picks the external interface, writes subnet.env, and refuses when another node already advertises",
            "the same public IP (the Vagrant 10.0.2.15 trap).",
            ""},
        footer = {
            "",
            "Every flag can also be set as FLANNELD_<FLAG> in the environment (--etcd-endpoints ->",
            "FLANNELD_ETCD_ENDPOINTS), or in the sysconfig file (FLANNEL_ETCD_ENDPOINTS or FLANNEL_ETCD,",
            "FLANNEL_ETCD_PREFIX or FLANNEL_ETCD_KEY, FLANNEL_OPTIONS=\"--iface=eth1 ...\").",
            "Precedence: flag > environment > file. Single-dash spellings (-iface=eth1) work as in flanneld.",
            "",
            "Exit codes: 0 stopped by SIGTERM/SIGINT; 1 fatal error (no usable interface,",
            "another node holds this public IP, no free subnet); 2 bad flags, environment or sysconfig file."})
public class AgentOptions {

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "sysconfig file to read (default: /etc/sysconfig/flanneld when it exists)")
    String envFile;

    @Option(names = "--etcd-endpoints", paramLabel = "URLS",
            description = "comma-separated etcd endpoints (default: http://127.0.0.1:2379)")
    String etcdEndpoints;

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX",
            description = "etcd prefix of the network config and leases (default: /coreos.com/network)")
    String etcdPrefix;

    @Option(names = "--etcd-cafile", paramLabel = "FILE", description = "CA certificate to verify etcd (enables TLS)")
    String etcdCaFile;

    @Option(names = "--etcd-certfile", paramLabel = "FILE", description = "client certificate for etcd (PEM)")
    String etcdCertFile;

    @Option(names = "--etcd-keyfile", paramLabel = "FILE", description = "client key for etcd (PEM, PKCS#8)")
    String etcdKeyFile;

    @Option(names = "--etcd-username", paramLabel = "USER", description = "etcd user name (etcd authentication)")
    String etcdUsername;

    @Option(names = "--etcd-password", paramLabel = "PASSWORD",
            description = "etcd password; prefer FLANNELD_ETCD_PASSWORD or the sysconfig file, never logged")
    String etcdPassword;

    @Option(names = "--iface", paramLabel = "NAME|IP",
            description = "interface to use, by name or address; repeatable, tried in order, first match wins")
    List<String> iface;

    @Option(names = "--iface-regex", paramLabel = "REGEX",
            description = "regex matched against interface addresses, then names; repeatable, used when no --iface matched")
    List<String> ifaceRegex;

    @Option(names = "--iface-can-reach", paramLabel = "IP",
            description = "use the interface and source address the kernel would use to reach this address")
    String ifaceCanReach;

    @Option(names = "--public-ip", paramLabel = "IP",
            description = "address to advertise to other nodes (default: the interface's address)")
    String publicIp;

    @Option(names = "--subnet-file", paramLabel = "FILE",
            description = "where to write the subnet environment (default: /run/flannel/subnet.env)")
    String subnetFile;

    @Option(names = "--docker-opts-file", paramLabel = "FILE",
            description = "where to write Docker's options, as mk-docker-opts.sh does (default: docker_opts.env beside --subnet-file)")
    String dockerOptsFile;

    @Option(names = "--ip-masq", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "set up IP masquerade for traffic leaving the overlay (default: false)")
    Boolean ipMasq;

    @Option(names = "--subnet-lease-ttl", paramLabel = "DURATION",
            description = "lifetime of the subnet lease in etcd, e.g. 30s, 5m, 24h (default: 24h)")
    String subnetLeaseTtl;

    @Option(names = "--subnet-lease-renew-margin", paramLabel = "MINUTES|DURATION",
            description = "renew the lease this long before it expires: minutes as flanneld takes them, or a duration"
                    + " (default: 60, or a third of the TTL when the TTL is shorter than 3 hours)")
    String subnetLeaseRenewMargin;

    @Option(names = "--healthz-ip", paramLabel = "IP", description = "address of the health endpoint (default: 0.0.0.0)")
    String healthzIp;

    @Option(names = "--healthz-port", paramLabel = "PORT",
            description = "port of the /healthz endpoint; 0 disables it (default: 0)")
    Integer healthzPort;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "this node's name in its lease (default: the hostname)")
    String nodeName;

    @Option(names = "--node-id-file", paramLabel = "FILE",
            description = "where this machine's node ID is kept, made on the first start; every machine needs its own"
                    + " (default: /var/lib/vxlab/node-id)")
    String nodeIdFile;

    @Option(names = "--explain", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "log every kernel change as the equivalent ip/bridge command (default: false)")
    Boolean explain;

    @Option(names = {"-v", "--v"}, paramLabel = "LEVEL",
            description = "log verbosity as flanneld's -v: 0 info, 1+ debug (default: 0)")
    Integer verbosity;

    /** The version baked into the jar's manifest, or "dev" when run from classes. */
    public static class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AgentOptions.class.getPackage().getImplementationVersion();
            return new String[] {"vxlabd " + (v == null ? "dev" : v) + " (flannel etcd v3 schema, flanneld v0.20 compatible)"};
        }
    }
}
