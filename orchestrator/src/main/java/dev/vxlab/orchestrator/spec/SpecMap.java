package dev.vxlab.orchestrator.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML map of the spec, its keys checked against the keys that section allows: an unknown key is reported
 * with the closest valid key, a repeated key at its second occurrence (SnakeYAML's compose() keeps both), a
 * key that is not a plain word as such. Only the first occurrence of each valid key is looked at after that.
 */
final class SpecMap {
    private final MappingNode node;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private SpecMap(MappingNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static SpecMap check(MappingNode node, String path, List<String> allowed, Problems problems) {
        SpecMap map = new SpecMap(node, path);
        for (NodeTuple entry : node.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar)) {
                problems.at(keyNode, path, "a key must be a plain word such as " + allowed.get(0) + ", got " + Describe.node(keyNode));
                continue;
            }
            String key = scalar.getValue();
            if (scalar.getTag().equals(Tag.MERGE)) {
                problems.at(keyNode, path, "merge keys (<<) are not supported; write the keys out");
            } else if (!allowed.contains(key)) {
                Optional<String> near = Suggest.closest(key, allowed);
                problems.at(keyNode, path, "unknown key '" + key + "'; "
                        + near.map(k -> "did you mean '" + k + "'?")
                                .orElse((path.isEmpty() ? "a spec's keys are " : "valid keys here are ")
                                        + String.join(", ", allowed)));
            } else if (map.entries.containsKey(key)) {
                Node first = map.entries.get(key).getKeyNode();
                problems.at(keyNode, map.path(key), "duplicate key '" + key + "'; it is already given at line "
                        + (first.getStartMark().getLine() + 1) + ", column " + (first.getStartMark().getColumn() + 1));
            } else {
                map.entries.put(key, entry);
            }
        }
        return map;
    }

    /** The value given for {@code key}, or null when the key is absent. */
    Node value(String key) {
        NodeTuple entry = entries.get(key);
        return entry == null ? null : entry.getValueNode();
    }

    MappingNode node() {
        return node;
    }

    /** This map's own YAML path ("" at the top level). */
    String path() {
        return path;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
