package dev.vxlab.orchestrator.prepare;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java runtime the agent runs on when a node has none: a jlink-ed image of this JDK with only the modules
 * the agent's jar needs (jdeps lists them; TLS and DNS add a few that only load reflectively), about 37 MB
 * unpacked, 20 MB as the .tar.gz that is uploaded. Built once per JDK and module list and cached under the
 * vxlab home; nodes then need no JDK and no package for it.
 */
public final class JavaRuntime {
    /** jdeps' list for the agent's fat jar, plus EC crypto (TLS to etcd), management and GSS that gRPC/netty load by name. */
    static final List<String> MODULES = List.of("java.base", "java.compiler", "java.logging", "java.naming", "jdk.httpserver", "jdk.jfr",
            "jdk.unsupported", "jdk.crypto.ec", "java.management", "java.security.jgss", "jdk.net");

    private JavaRuntime() {
    }

    /** The archive's content and its id (sha-256 of the content): a node holding that id has this runtime. */
    public record Archive(Path file, byte[] content, String id) {
    }

    public static Archive archive(Path cacheDir, Host host) {
        String version = Runtime.version().toString();
        String name = "vxlab-jre-" + version.replaceAll("[^A-Za-z0-9.]", "_") + "-" + Integer.toHexString(MODULES.hashCode()) + ".tar.gz";
        Path archive = cacheDir.resolve(name);
        try {
            Files.createDirectories(cacheDir);
            if (!Files.isRegularFile(archive)) {
                build(archive, host);
            }
            byte[] content = Files.readAllBytes(archive);
            return new Archive(archive, content, SshjShell.sha256(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void build(Path archive, Host host) throws IOException {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(jlink)) {
            throw new VxlabException("a node has no Java 17 and this machine's Java (" + System.getProperty("java.home")
                    + ") has no jlink to build one for it", "run vxlab with a JDK (apt-get install openjdk-17-jdk-headless)");
        }
        Path tmp = Files.createTempDirectory(archive.getParent(), ".jre-");
        try {
            Path image = tmp.resolve("jre");
            host.must("build the agent's Java runtime (jlink)", jlink.toString(), "--add-modules", String.join(",", MODULES),
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2", "--output", image.toString());
            Path partial = tmp.resolve("jre.tar.gz");
            host.must("pack the agent's Java runtime", "tar", "-C", image.toString(), "-czf", partial.toString(), ".");
            Files.move(partial, archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            host.run("rm", "-rf", tmp.toString());
        }
    }

}
