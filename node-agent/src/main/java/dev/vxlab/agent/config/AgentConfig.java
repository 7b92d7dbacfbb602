package dev.vxlab.agent.config;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.text.GoDuration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** vxlabd's resolved configuration: every default applied, every value checked. */
public record AgentConfig(
        List<URI> etcdEndpoints,
        String etcdPrefix,
        EtcdTls etcdTls,
        String etcdUsername,
        String etcdPassword,
        List<String> ifaces,
        List<Pattern> ifaceRegexes,
        Ip4 ifaceCanReach,
        Ip4 publicIp,
        Path subnetFile,
        Path dockerOptsFile,
        boolean ipMasq,
        Duration subnetLeaseTtl,
        Duration subnetLeaseRenewMargin,
        String healthzIp,
        int healthzPort,
        String nodeName,
        Path nodeIdFile,
        int verbosity,
        Path envFile,
        boolean explain) {

    /** TLS files for etcd; all null when etcd is reached over plain HTTP. */
    public record EtcdTls(Path caFile, Path certFile, Path keyFile) {
        public boolean enabled() {
            return caFile != null || certFile != null;
        }
    }

    /** The configuration as a log line, without secrets. */
    public String describe() {
        return "etcdEndpoints=" + etcdEndpoints + " etcdPrefix=" + etcdPrefix + " tls=" + etcdTls.enabled()
                + (etcdUsername != null ? " etcdUsername=" + etcdUsername + " etcdPassword=<redacted>" : "")
                + " iface=" + ifaces + " ifaceRegex=" + ifaceRegexes + " ifaceCanReach=" + ifaceCanReach
                + " publicIp=" + publicIp + " subnetFile=" + subnetFile + " ipMasq=" + ipMasq
                + " subnetLeaseTtl=" + GoDuration.format(subnetLeaseTtl)
                + " renewMargin=" + GoDuration.format(subnetLeaseRenewMargin)
                + " nodeName=" + nodeName + " nodeIdFile=" + nodeIdFile + (envFile != null ? " envFile=" + envFile : "");
    }
}
