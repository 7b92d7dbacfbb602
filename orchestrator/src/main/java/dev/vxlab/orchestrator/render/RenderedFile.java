package dev.vxlab.orchestrator.render;

import java.util.Objects;

/**
 * One file for a node, ready to write: its absolute path on the node, its whole content (UTF-8, ending with a
 * newline) and its permission bits in octal, as {@code chmod} and {@code install -m} take them ("0644").
 */
public record RenderedFile(String path, String content, String mode) {

    public RenderedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(mode, "mode");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path on the node must be absolute: " + path);
        }
        if (!mode.matches("0[0-7]{3}")) {
            throw new IllegalArgumentException("mode must be four octal digits such as 0644: " + mode);
        }
    }
}
