package dev.vxlab.orchestrator.etcd;

/**
 * What vxlab itself asks of a lab's etcd, through etcd's JSON gateway: is it healthy, and the one key it writes
 * (flannel's network config). {@link HttpEtcdGateway} is the real one.
 */
public interface EtcdGateway {

    /** True when {@code endpoint}/health answers 200 (a short timeout: called in wait loops). */
    boolean healthy(String endpoint);

    /** Writes {@code json} to {@code <prefix>/config} at {@code endpoint}; returns false when it was already there, unchanged. */
    boolean writeConfig(String endpoint, String prefix, String json);
}
