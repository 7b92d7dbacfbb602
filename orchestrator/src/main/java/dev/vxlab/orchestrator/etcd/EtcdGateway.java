package dev.vxlab.orchestrator.etcd;

import java.util.Map;

/**
 * What vxlab itself asks of a lab's etcd, through etcd's JSON gateway: is it healthy, the one key it writes
 * (flannel's network config), and the leases of machines that were replaced (read, then deleted). {@link HttpEtcdGateway} is the real one.
 */
public interface EtcdGateway {

    /** True when {@code endpoint}/health answers 200 (a short timeout: called in wait loops). */
    boolean healthy(String endpoint);

    /** Writes {@code json} to {@code <prefix>/config} at {@code endpoint}; returns false when it was already there, unchanged. */
    boolean writeConfig(String endpoint, String prefix, String json);

    /** Every key under {@code keyPrefix} with its value, in key order. */
    Map<String, String> range(String endpoint, String keyPrefix);

    /** Deletes {@code key} (nothing when it is absent). */
    void delete(String endpoint, String key);
}
