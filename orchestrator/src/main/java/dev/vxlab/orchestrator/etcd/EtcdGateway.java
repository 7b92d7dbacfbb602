package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.etcd.GatewayCluster;
import dev.vxlab.core.etcd.GatewayKv;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What vxlab itself asks of a lab's etcd, through etcd's JSON gateway: is it healthy, the one key it writes
 * (flannel's network config), the leases with their etcd leases' time left (status, doctor), the leases of
 * machines that were replaced (read, then deleted), and a lease revoked (an exercise's fault).
 * {@link HttpEtcdGateway} is the real one.
 */
public interface EtcdGateway {

    /** How vxlab reaches a lab's etcd (plain, or TLS with the lab's certificates): {@link HttpEtcdGateway#forLab} for real. */
    interface Factory {
        EtcdGateway forLab(LabSpec spec, Path stateDir);
    }

    /** True when {@code endpoint}/health answers 200 (a short timeout: called in wait loops). */
    boolean healthy(String endpoint);

    /** Writes {@code json} to {@code <prefix>/config} at {@code endpoint}; returns false when it was already there, unchanged. */
    boolean writeConfig(String endpoint, String prefix, String json);

    /** Every key under {@code keyPrefix} with its value, its etcd lease and revisions, in key order. */
    List<GatewayKv.Kv> entries(String endpoint, String keyPrefix);

    /** Every key under {@code keyPrefix} with its value, in key order. */
    default Map<String, String> range(String endpoint, String keyPrefix) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (GatewayKv.Kv kv : entries(endpoint, keyPrefix)) {
            out.put(kv.key(), kv.value());
        }
        return out;
    }

    /** Seconds the etcd lease {@code lease} has left, or empty when it is gone. */
    Optional<Long> timeToLive(String endpoint, long lease);

    /** Revokes the etcd lease {@code lease} (its keys go with it); nothing when it is already gone. */
    void revoke(String endpoint, long lease);

    /** Deletes {@code key} (nothing when it is absent). */
    void delete(String endpoint, String key);

    /** What the member at {@code endpoint} says of itself (its ID, the leader it knows), or empty when it does not answer. */
    Optional<GatewayCluster.Status> memberStatus(String endpoint);
}
