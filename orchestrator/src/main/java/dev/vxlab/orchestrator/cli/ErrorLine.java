package dev.vxlab.orchestrator.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

/**
 * The sentence a user reads for a failure vxlab did not describe itself (an I/O error, a bug): what went wrong in
 * words, never a Java class name ("java.io.UncheckedIOException: java.nio.file.AccessDeniedException: /x" becomes
 * "permission denied: /x"). Class names that a library put inside a message are taken out too.
 */
final class ErrorLine {
    /** "java.nio.file.NoSuchFileException: ", "net.schmizz.sshj.transport.TransportException" and the like. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

    private ErrorLine() {
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof UncheckedIOException || t.getClass() == RuntimeException.class || t.getClass() == IllegalStateException.class)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof FileSystemException f) {
            String what = f instanceof NoSuchFileException ? "no such file or directory"
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof FileAlreadyExistsException ? "it exists already"
                    : f instanceof NotDirectoryException ? "not a directory"
                    : f instanceof DirectoryNotEmptyException ? "the directory is not empty"
                    : f.getReason() != null ? f.getReason() : "it cannot be used";
            return "cannot use " + f.getFile() + (f.getOtherFile() != null ? " or " + f.getOtherFile() : "") + ": " + what;
        }
        String message = t.getMessage() == null ? "" : plain(t.getMessage());
        if (t instanceof IOException) {
            return "an input/output operation failed" + (message.isBlank() ? "" : ": " + message);
        }
        return "vxlab stopped on an unexpected internal error" + (message.isBlank() ? "" : ": " + message);
    }

    /** {@code message} without the class names a library may have put in it. */
    static String plain(String message) {
        return message == null ? "" : CLASS_NAME.matcher(message).replaceAll("");
    }
}
