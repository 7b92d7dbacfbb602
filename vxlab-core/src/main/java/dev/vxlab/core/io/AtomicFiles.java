package dev.vxlab.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a file so that readers see the old content or the new, never a half: temp file in the same directory, then rename. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Returns false when the file already had exactly this content (nothing was written). */
    public static boolean write(Path path, String content, String mode) {
        return write(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** Returns false when the file already had exactly these bytes (nothing was written; its mode is set). */
    public static boolean write(Path path, byte[] content, String mode) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.isRegularFile(path) && Files.size(path) == content.length && java.util.Arrays.equals(Files.readAllBytes(path), content)) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
                return false;
            }
            // private from its first byte (a key, a password), given its mode once whole
            Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, content);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
                try {
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
