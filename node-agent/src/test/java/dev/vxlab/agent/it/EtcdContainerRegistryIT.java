package dev.vxlab.agent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link AbstractEtcdRegistryIT} against etcd in a Docker container started by Testcontainers. */
class EtcdContainerRegistryIT extends AbstractEtcdRegistryIT {
    private static EtcdContainer etcd;

    @BeforeAll
    static void start() {
        etcd = new EtcdContainer();
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
