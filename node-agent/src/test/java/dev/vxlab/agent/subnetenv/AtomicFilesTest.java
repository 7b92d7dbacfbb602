package dev.vxlab.agent.subnetenv;

import dev.vxlab.core.io.AtomicFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Object fileKey(Path p) throws IOException {
        Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        assertNotNull(key, "the file system gives files an identity");
        return key;
    }

    @Test
    void writesANewFileWithTheMode() throws IOException {
        Path file = dir.resolve("subnet.env");
        assertTrue(AtomicFiles.write(file, "FLANNEL_MTU=1450\n", "rw-r--r--"));
        assertEquals("FLANNEL_MTU=1450\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("subnet.env"), names(dir), "no temp file is left behind");
    }

    @Test
    void setsAStricterMode() throws IOException {
        Path file = dir.resolve("secret.env");
        AtomicFiles.write(file, "x\n", "rw-------");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void returnsFalseAndLeavesTheFileAloneWhenTheContentIsUnchanged() throws IOException {
        Path file = dir.resolve("subnet.env");
        AtomicFiles.write(file, "A=1\n", "rw-r--r--");
        Object before = fileKey(file);

        assertFalse(AtomicFiles.write(file, "A=1\n", "rw-r--r--"));
        assertEquals(before, fileKey(file), "the same file, not a replacement");
        assertEquals(List.of("subnet.env"), names(dir));
    }

    @Test
    void replacesTheFileWhenTheContentChanges() throws IOException {
        Path file = dir.resolve("subnet.env");
        AtomicFiles.write(file, "A=1\n", "rw-r--r--");
        Object before = fileKey(file);

        assertTrue(AtomicFiles.write(file, "A=2\n", "rw-r--r--"));
        assertEquals("A=2\n", Files.readString(file));
        assertNotEquals(before, fileKey(file), "a new file was renamed over the old one");
        assertEquals(List.of("subnet.env"), names(dir));
    }

    @Test
    void overwritesAFileItDidNotWrite() throws IOException {
        Path file = dir.resolve("docker_opts.env");
        Files.writeString(file, "stale\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(AtomicFiles.write(file, "fresh\n", "rw-r--r--"));
        assertEquals("fresh\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void createsMissingDirectories() throws IOException {
        Path file = dir.resolve("run/flannel/subnet.env");
        assertTrue(AtomicFiles.write(file, "A=1\n", "rw-r--r--"));
        assertEquals("A=1\n", Files.readString(file));
        assertEquals(List.of("subnet.env"), names(file.getParent()));
    }

    @Test
    void writesEmptyContent() throws IOException {
        Path file = dir.resolve("empty.env");
        assertTrue(AtomicFiles.write(file, "", "rw-r--r--"));
        assertEquals("", Files.readString(file));
        assertFalse(AtomicFiles.write(file, "", "rw-r--r--"));
    }

    @Test
    void leavesNoTempFileWhenTheWriteFails() throws IOException {
        Path file = dir.resolve("subnet.env");
        assertThrows(IllegalArgumentException.class, () -> AtomicFiles.write(file, "A=1\n", "not-a-mode"));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void aParentThatIsAFileIsAnUncheckedIoException() throws IOException {
        Path blocker = dir.resolve("flannel");
        Files.writeString(blocker, "");
        Path file = blocker.resolve("subnet.env");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(file, "A=1\n", "rw-r--r--"));
        assertTrue(e.getMessage().startsWith("cannot write " + file + ": "), e.getMessage());
    }
}
