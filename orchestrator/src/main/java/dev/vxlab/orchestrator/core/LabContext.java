package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.etcd.EtcdPlacement;
import dev.vxlab.orchestrator.etcd.HttpEtcdGateway;
import dev.vxlab.orchestrator.etcd.StandardEtcdPlacement;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LocalHost;
import dev.vxlab.orchestrator.provider.Providers;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What the lab services run over, each side effect behind its interface: this machine's commands ({@link Host}),
 * the providers ({@link Providers}, which hand out the nodes' shells), etcd's placement, the agent's artifacts,
 * and the directory of the labs' state. {@link #standard} wires the real ones; tests pass fakes.
 */
public record LabContext(Path home, Host host, Providers providers, EtcdPlacement etcd, Artifacts artifacts) {

    /** The real machine: state under {@link Lab#home()}, the repository at -Dvxlab.home (else the current directory). */
    public static LabContext standard(Consumer<String> verbose) {
        Path home = Lab.home();
        String h = System.getProperty("vxlab.home");
        Path repoHome = Path.of(h != null ? h : ".").toAbsolutePath().normalize();
        Host host = new LocalHost();
        return new LabContext(home, host, Providers.standard(new Providers.Context(host, repoHome, verbose)),
                new StandardEtcdPlacement(host, HttpEtcdGateway::forLab, verbose), new RepoArtifacts(repoHome, home.resolve("cache"), host));
    }
}
