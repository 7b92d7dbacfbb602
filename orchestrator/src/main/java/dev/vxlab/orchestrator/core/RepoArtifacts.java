package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.prepare.JavaRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link Artifacts} from the repository's build (node-agent/target, node-agent/bin) and the runtime cache under the vxlab home. */
final class RepoArtifacts implements Artifacts {
    private final Path repoHome;
    private final Path cacheDir;
    private final Host host;
    private JavaRuntime.Archive runtime;

    RepoArtifacts(Path repoHome, Path cacheDir, Host host) {
        this.repoHome = repoHome;
        this.cacheDir = cacheDir;
        this.host = host;
    }

    @Override
    public byte[] agentJar() {
        return read(repoHome.resolve("node-agent/target/vxlabd.jar"), "the agent's jar");
    }

    @Override
    public byte[] agentLauncher() {
        return read(repoHome.resolve("node-agent/bin/vxlabd"), "the agent's launcher");
    }

    /** Computed on the first call only (nodes ask for it from their threads at once). */
    @Override
    public synchronized JavaRuntime.Archive javaRuntime() {
        if (runtime == null) {
            runtime = JavaRuntime.archive(cacheDir, host);
        }
        return runtime;
    }

    private static byte[] read(Path p, String what) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new VxlabException("cannot read " + what + " at " + p, "build it: mvn -DskipTests package");
        }
    }
}
