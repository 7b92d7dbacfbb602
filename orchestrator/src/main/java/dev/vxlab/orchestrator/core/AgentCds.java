package dev.vxlab.orchestrator.core;

import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.orchestrator.lab.LocalHost;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The agents' class-data-sharing archive for nodes that see one lib directory of this machine ({@code
 * Machines.sharedAgentLib}): every node maps {@code vxlabd.jsa} beside the jar instead of parsing and verifying the
 * classes of a start again (a start 70 ms and 17 % of its CPU less, BENCHMARKS.md). The JVM accepts an archive only for a
 * jar at the same path with the same size and modification time, so the jar's time is derived from its content:
 * the same jar has the same time in every lab (an archive made in one lab fits the next; kept in {@code cache}, one
 * per jar and Java), another jar another time (an archive is never taken for a jar it was not made from). The archive
 * is made inside a node, where the jar's path is the agents' ({@link #TRAIN}), once per jar and Java on this machine.
 */
final class AgentCds {
    /** Run on a node: the launcher's training run in the foreground, at nice 19, the archive written whole or not at all. */
    static final String TRAIN = "VXLABD_CDS=train /opt/vxlab/bin/vxlabd";

    private static final Instant BASE = Instant.parse("2020-01-01T00:00:00Z");

    private final Path cache;
    private final Path lib;
    private final String key;
    private final FileTime time;

    /** {@code cache}: this machine's archives; {@code lib}: the lab's shared lib; {@code java}: what the nodes run. */
    AgentCds(Path cache, Path lib, byte[] jar, String java) {
        this.cache = cache;
        this.lib = lib;
        String sha = SshjShell.sha256(jar);
        this.key = sha.substring(0, 16) + "-" + SshjShell.sha256(java.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
        this.time = jarTime(sha);
    }

    /** A time within ~3 years after 2020 taken from the jar's hex SHA-256: the same for the same bytes, in the past. */
    static FileTime jarTime(String sha) {
        long seconds = Long.parseLong(sha.substring(0, 8), 16) % 100_000_000L;
        return FileTime.from(BASE.plusSeconds(seconds));
    }

    /** The nodes' Java, as the launcher finds it there: PATH's java, named by its real file, size and time. */
    static String thisMachinesJava() {
        return LocalHost.which("java").map(p -> {
            try {
                Path real = p.toRealPath();
                return real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
            } catch (IOException e) {
                return p.toString();
            }
        }).orElse("java");
    }

    Path archive() {
        return lib.resolve("vxlabd.jsa");
    }

    Path cached() {
        return cache.resolve(key + ".jsa");
    }

    /**
     * Before the agents start: the jar's time set, an archive of another jar dropped ({@code jarChanged}), the cached
     * one for this jar brought in. True when the agents will find an archive.
     */
    boolean prepare(boolean jarChanged) {
        try {
            Files.setLastModifiedTime(lib.resolve("vxlabd.jar"), time);
            if (jarChanged) {
                Files.deleteIfExists(archive());
            }
            if (!Files.exists(archive()) && Files.isRegularFile(cached())) {
                AtomicFiles.write(archive(), Files.readAllBytes(cached()), "rw-r--r--");
            }
            return Files.isRegularFile(archive());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After a training run: the lab's archive kept for later labs, the cache's archives of other jars removed. */
    boolean keep() {
        try {
            if (!Files.isRegularFile(archive())) {
                return false;
            }
            Files.createDirectories(cache);
            AtomicFiles.write(cached(), Files.readAllBytes(archive()), "rw-r--r--");
            try (DirectoryStream<Path> old = Files.newDirectoryStream(cache, "*.jsa")) {
                for (Path p : old) {
                    if (!p.equals(cached())) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
