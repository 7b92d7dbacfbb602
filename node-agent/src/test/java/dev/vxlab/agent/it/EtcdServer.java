package dev.vxlab.agent.it;

import java.net.URI;

/** A real etcd for integration tests: a plain process or a container. */
interface EtcdServer extends AutoCloseable {
    URI endpoint();

    /** Makes etcd unreachable without losing its data (process: stopped; container: paused). */
    void interrupt() throws Exception;

    /** Undoes {@link #interrupt()}; the same endpoint answers again with the same data. */
    void resume() throws Exception;

    @Override
    void close();
}
