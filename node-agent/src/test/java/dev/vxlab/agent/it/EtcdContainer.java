package dev.vxlab.agent.it;

import java.net.URI;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * etcd in a Docker container started with Testcontainers, from the locally built image
 * (scripts/build-etcd-image.sh; VXLAB_ETCD_IMAGE names another one). Never pulls. "Down" is a paused
 * container: the port stays mapped and etcd keeps its state, but nothing answers.
 */
final class EtcdContainer implements EtcdServer {
    static final String IMAGE = System.getenv().getOrDefault("VXLAB_ETCD_IMAGE", "vxlab/etcd:local");

    private final GenericContainer<?> container;

    @SuppressWarnings("resource")
    EtcdContainer() {
        ImagePullPolicy never = image -> false;
        container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withImagePullPolicy(never)
                .withExposedPorts(2379)
                .withCommand("--name", "it", "--data-dir", "/var/lib/etcd/data",
                        "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379")
                .waitingFor(Wait.forHttp("/health").forPort(2379));
        container.start();
    }

    @Override
    public URI endpoint() {
        return URI.create("http://localhost:" + container.getMappedPort(2379));
    }

    @Override
    public void interrupt() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}
