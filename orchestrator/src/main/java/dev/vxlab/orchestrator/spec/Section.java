package dev.vxlab.orchestrator.spec;

import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One map of the spec whose fields are read one by one: the top level, {@code network:}, a node. It is given
 * (its keys checked by {@link SpecMap}), absent (every field takes its default) or wrong (not a map, or not
 * allowed here: every field is unknown, reads as null, and no rule runs on it, so one mistake gives one error).
 */
final class Section {
    private final SpecMap map;
    private final String path;
    private final Node anchor;
    private final boolean ok;
    private final Problems problems;

    private Section(SpecMap map, String path, Node anchor, boolean ok, Problems problems) {
        this.map = map;
        this.path = path;
        this.anchor = anchor;
        this.ok = ok;
        this.problems = problems;
    }

    /** A map whose keys were checked already (the top level, one node of the list). */
    static Section of(SpecMap map, Problems problems) {
        return new Section(map, map.path(), map.node(), true, problems);
    }

    /** The map under {@code key}: absent, given (its keys checked against {@code keys}), or wrong when it is not a map. */
    Section section(String key, List<String> keys) {
        Node n = value(key);
        if (n == null) {
            return new Section(null, path(key), anchor, ok, problems);
        }
        if (!(n instanceof MappingNode m)) {
            problems.at(n, path(key), "expected a map with the keys " + String.join(", ", keys) + ", got " + Describe.node(n));
            return wrong(key);
        }
        return new Section(SpecMap.check(m, path(key), keys, problems), path(key), m, true, problems);
    }

    /** The map under {@code key} read as wrong (after its caller recorded why). */
    Section wrong(String key) {
        return new Section(null, path(key), anchor, false, problems);
    }

    /** The field's value, its default (no node) when absent, or null when it (or this section) is wrong. */
    <T> Val<T> field(String key, T fallback, Reader<T> reader) {
        if (!ok) {
            return null;
        }
        Node n = value(key);
        if (n == null) {
            return Val.fallback(fallback);
        }
        T value = reader.read(n, path(key));
        return value == null ? null : new Val<>(value, n);
    }

    /** The field's value, or null when it is missing (recorded with {@code hint}) or wrong. */
    <T> Val<T> required(String key, String hint, Reader<T> reader) {
        Node n = value(key);
        if (n == null) {
            problems.at(anchor, path(key), "required key is missing; " + hint);
            return null;
        }
        T value = reader.read(n, path(key));
        return value == null ? null : new Val<>(value, n);
    }

    /** The node given for {@code key}, or null when the key (or this section) is absent. */
    Node value(String key) {
        return map == null ? null : map.value(key);
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Where a problem with the section as a whole is reported: its map, or its parent's map when it is absent. */
    Node anchor() {
        return anchor;
    }

    boolean ok() {
        return ok;
    }

    boolean given() {
        return map != null;
    }
}
