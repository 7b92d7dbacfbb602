package dev.vxlab.orchestrator.spec;

/**
 * One problem in a spec file: where it is (file:line:column, 1-based, and the YAML path such as
 * {@code nodes[1].ip}, list indexes from 0) and what was expected. {@link #toString()} is the line the CLI prints:
 * {@code labs/x.yaml:12:9: nodes[1].ip: "192.168.57.3" is outside underlay.cidr 192.168.56.0/24}.
 * A problem with the file as a whole (it cannot be read) has line and column 0 and prints as {@code file: message}.
 */
public record SpecError(String file, int line, int column, String path, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line + ":" + column : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
