package dev.vxlab.orchestrator.spec;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A resolved field: its value and the node it was read from, whose position a rule reports at; {@code node}
 * is null for a default, which a rule never reports at.
 */
record Val<T>(T value, Node node) {
    static <T> Val<T> fallback(T value) {
        return new Val<>(value, null);
    }

    boolean given() {
        return node != null;
    }

    /** The scalar as the user wrote it (only for a given scalar). */
    String text() {
        return ((ScalarNode) node).getValue();
    }
}
