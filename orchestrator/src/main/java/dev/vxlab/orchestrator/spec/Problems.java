package dev.vxlab.orchestrator.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem found in one spec file; {@link #inFileOrder()} sorts them by line and column. */
final class Problems {
    private final String file;
    private final List<SpecError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void at(Node node, String path, String message) {
        at(node.getStartMark(), path, message);
    }

    /** SnakeYAML's marks are 0-based; a SpecError's line and column are 1-based. */
    void at(Mark mark, String path, String message) {
        at(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1, path, message);
    }

    void at(int line, int column, String path, String message) {
        errors.add(new SpecError(file, line, column, path, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Sorted by position; problems at the same position keep the order in which they were found. */
    List<SpecError> inFileOrder() {
        List<SpecError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(SpecError::line).thenComparingInt(SpecError::column));
        return sorted;
    }
}
