package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agents' class archive in a lab's shared lib: which archive a lab's agents get, and what is kept for later labs. */
class AgentCdsTest {
    @TempDir
    Path dir;

    Path lib(String lab, byte[] jar) throws IOException {
        Path lib = Files.createDirectories(dir.resolve(lab).resolve("shared/lib"));
        Files.write(lib.resolve("vxlabd.jar"), jar);
        return lib;
    }

    @Test
    void theSameJarHasTheSameTimeInEveryLabAndAnotherJarAnother() throws IOException {
        byte[] jar = "jar one".getBytes();
        AgentCds a = new AgentCds(dir.resolve("cache"), lib("a", jar), jar, "java 1");
        AgentCds b = new AgentCds(dir.resolve("cache"), lib("b", jar), jar, "java 1");
        a.prepare(true);
        b.prepare(true);
        FileTime ta = Files.getLastModifiedTime(dir.resolve("a/shared/lib/vxlabd.jar"));
        assertEquals(ta, Files.getLastModifiedTime(dir.resolve("b/shared/lib/vxlabd.jar")));
        assertTrue(ta.toInstant().isBefore(Instant.now()) && ta.toInstant().isAfter(Instant.parse("2019-12-31T00:00:00Z")), ta.toString());
        byte[] other = "jar two".getBytes();
        new AgentCds(dir.resolve("cache"), lib("c", other), other, "java 1").prepare(true);
        assertNotEquals(ta, Files.getLastModifiedTime(dir.resolve("c/shared/lib/vxlabd.jar")), "another jar, another time");
    }

    @Test
    void anArchiveMadeInOneLabIsKeptAndGivenToTheNextLabWithTheSameJarAndJava() throws IOException {
        byte[] jar = "jar one".getBytes();
        AgentCds first = new AgentCds(dir.resolve("cache"), lib("a", jar), jar, "java 1");
        assertFalse(first.prepare(true), "nothing to map yet: up has a node make it");
        assertFalse(first.keep(), "no training ran: nothing to keep");
        Files.write(first.archive(), new byte[] {7, 7, 7}); // what the node's training run wrote
        assertTrue(first.keep());

        AgentCds second = new AgentCds(dir.resolve("cache"), lib("b", jar), jar, "java 1");
        assertTrue(second.prepare(true), "the cached archive is brought in");
        assertArrayEquals(new byte[] {7, 7, 7}, Files.readAllBytes(second.archive()));

        AgentCds otherJava = new AgentCds(dir.resolve("cache"), lib("c", jar), jar, "java 2");
        assertFalse(otherJava.prepare(true), "an archive is the JVM's own: another Java makes its own");
    }

    @Test
    void aNewJarDropsTheArchiveOfTheOldOneInTheLabAndInTheCache() throws IOException {
        byte[] jar = "jar one".getBytes();
        Path lib = lib("a", jar);
        AgentCds one = new AgentCds(dir.resolve("cache"), lib, jar, "java 1");
        one.prepare(true);
        Files.write(one.archive(), new byte[] {1});
        one.keep();
        assertTrue(one.prepare(false), "a re-run with the same jar keeps it");

        byte[] newer = "jar two".getBytes();
        Files.write(lib.resolve("vxlabd.jar"), newer);
        AgentCds two = new AgentCds(dir.resolve("cache"), lib, newer, "java 1");
        assertFalse(two.prepare(true), "the old jar's archive is not the new jar's");
        assertFalse(Files.exists(two.archive()));
        Files.write(two.archive(), new byte[] {2});
        two.keep();
        try (var cached = Files.list(dir.resolve("cache"))) {
            assertEquals(java.util.List.of(two.cached()), cached.toList(), "only the current jar's archive is kept");
        }
    }
}
