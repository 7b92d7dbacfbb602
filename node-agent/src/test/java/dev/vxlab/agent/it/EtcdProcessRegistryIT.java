package dev.vxlab.agent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link AbstractEtcdRegistryIT} against etcd as a plain process on 127.0.0.1. */
class EtcdProcessRegistryIT extends AbstractEtcdRegistryIT {
    private static EtcdProcess etcd;

    @BeforeAll
    static void start() {
        etcd = EtcdProcess.onLoopback();
    }

    @AfterAll
    static void stop() {
        closeQuietly(etcd);
    }

    @Override
    EtcdServer etcd() {
        return etcd;
    }
}
