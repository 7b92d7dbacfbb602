package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.etcd.GatewayClient;
import dev.vxlab.core.etcd.GatewayCluster;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.core.etcd.PemTls;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link EtcdGateway} over etcd's JSON gateway ({@link GatewayKv}: one POST a call, no gRPC client to load),
 * and a GET of /health; over TLS with a client certificate where the lab's etcd wants one ({@link #forLab}).
 */
public final class HttpEtcdGateway implements EtcdGateway {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SSLSocketFactory tls;
    private final String curl;

    /** Plain HTTP. */
    public HttpEtcdGateway() {
        this(null, "curl");
    }

    /** {@code tls}: null for plain HTTP; {@code curl}: the curl command a hint gives (with its TLS files, never their contents). */
    HttpEtcdGateway(SSLSocketFactory tls, String curl) {
        this.tls = tls;
        this.curl = curl;
    }

    /**
     * How vxlab reaches {@code spec}'s etcd, its state in {@code stateDir}: with the lab's CA and vxlab's own client
     * certificate when vxlab made them ({@link EtcdTls}), with the spec's files for an external etcd over TLS, else plain.
     */
    public static EtcdGateway forLab(LabSpec spec, Path stateDir) {
        if (!EtcdTls.on(spec)) {
            return new HttpEtcdGateway();
        }
        EtcdPki.ClientFiles files = EtcdPki.clientFiles(spec, stateDir, EtcdTls.VXLAB);
        Path ca = files.ca();
        Path cert = files.cert();
        Path key = files.key();
        String hint = "curl" + (ca == null ? "" : " --cacert " + ca) + (cert == null ? "" : " --cert " + cert + " --key " + key);
        try {
            return new HttpEtcdGateway(PemTls.socketFactory(ca, cert, key), hint);
        } catch (IllegalArgumentException | VxlabException e) {
            throw new VxlabException("cannot use the TLS files for the lab's etcd (" + hint.substring(5) + "): " + e.getMessage(),
                    EtcdTls.generated(spec) ? "`vxlab up " + spec.source() + "` makes the lab's certificates again"
                            : "check etcd.caFile, certFile and keyFile in " + spec.source(), e);
        }
    }

    @Override
    public boolean healthy(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/health").toURL().openConnection();
            if (c instanceof HttpsURLConnection https && tls != null) {
                https.setSSLSocketFactory(tls); // the default hostname check stays: the certificate must name the endpoint
            }
            c.setConnectTimeout(300);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean writeConfig(String endpoint, String prefix, String json) {
        String key = SubnetKey.config(prefix);
        return call(endpoint, "cannot write the network config to etcd", kv -> {
            if (kv.get(key).map(GatewayKv.Kv::value).filter(json::equals).isPresent()) {
                return false;
            }
            kv.put(key, json);
            return true;
        });
    }

    @Override
    public List<GatewayKv.Kv> entries(String endpoint, String keyPrefix) {
        return call(endpoint, "cannot read " + keyPrefix + " from etcd", kv -> kv.rangePrefix(keyPrefix).kvs());
    }

    @Override
    public Optional<Long> timeToLive(String endpoint, long lease) {
        return call(endpoint, "cannot read the time left of etcd lease " + Long.toHexString(lease), kv -> kv.timeToLive(lease));
    }

    @Override
    public void revoke(String endpoint, long lease) {
        call(endpoint, "cannot revoke etcd lease " + Long.toHexString(lease), kv -> kv.revoke(lease));
    }

    @Override
    public void delete(String endpoint, String key) {
        call(endpoint, "cannot delete " + key + " in etcd", kv -> {
            kv.delete(key);
            return null;
        });
    }

    @Override
    public Optional<GatewayCluster.Status> memberStatus(String endpoint) {
        try {
            return Optional.of(new GatewayCluster(new GatewayClient(List.of(URI.create(endpoint)), tls, null, null, Duration.ofSeconds(2))).status());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private interface Call<T> {
        T on(GatewayKv kv) throws IOException;
    }

    private <T> T call(String endpoint, String what, Call<T> call) {
        try {
            return call.on(new GatewayKv(new GatewayClient(List.of(URI.create(endpoint)), tls, null, null, TIMEOUT)));
        } catch (IOException | RuntimeException e) {
            throw new VxlabException(what + " at " + endpoint + ": " + e.getMessage(), "check that etcd answers: " + curl + " " + endpoint + "/health", e);
        }
    }
}
