package dev.vxlab.orchestrator.spec;

import org.yaml.snakeyaml.nodes.Node;

/** Reads one value on its own. */
@FunctionalInterface
interface Reader<T> {
    /** The value read from {@code node} (at YAML path {@code path}), or null after recording why it cannot be used. */
    T read(Node node, String path);
}
