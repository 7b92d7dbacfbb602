package dev.vxlab.orchestrator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

class AliasPositionsTest {

    private static String at(Node n) {
        return (n.getStartMark().getLine() + 1) + ":" + (n.getStartMark().getColumn() + 1);
    }

    private static Node value(Node map, String key) {
        return ((MappingNode) map).getValue().stream().filter(t -> ((ScalarNode) t.getKeyNode()).getValue().equals(key))
                .map(NodeTuple::getValueNode).findFirst().orElseThrow();
    }

    @Test
    void aScalarAliasStandsWhereTheAliasIsWritten() {
        Node root = SpecFixture.compose("a: &x 10.0.0.1\nb: [1, *x]\n*x: c\n");
        assertEquals("1:4", at(value(root, "a")));
        Node item = ((SequenceNode) value(root, "b")).getValue().get(1);
        assertEquals("2:8", at(item));
        assertEquals("10.0.0.1", ((ScalarNode) item).getValue());
        assertEquals("3:1", at(((MappingNode) root).getValue().get(2).getKeyNode()), "an alias as a key");
    }

    @Test
    void aMapAliasIsACopyAtTheAliasThatSharesTheChildrenWrittenAtTheAnchor() {
        Node root = SpecFixture.compose("a: &m {ip: &i 10.0.0.1, n: *i}\nb: *m\n");
        Node a = value(root, "a");
        Node b = value(root, "b");
        assertEquals("1:4", at(a));
        assertEquals("2:4", at(b));
        assertSame(((MappingNode) a).getValue(), ((MappingNode) b).getValue());
        assertEquals("1:28", at(value(b, "n")), "the alias inside the anchored map, seen through the copy");
    }

    @Test
    void aRecursiveAliasEndsTheWalk() {
        Node root = SpecFixture.compose("a: &r [1, *r]\n");
        SequenceNode list = (SequenceNode) value(root, "a");
        assertEquals("1:11", at(list.getValue().get(1)));
    }

    @Test
    void noAliasesLeaveTheTreeAsComposedAndAnEmptyStreamIsNull() {
        Node root = SpecFixture.compose("name: x\nnodes: [{name: a}]\n");
        assertEquals(List.of("1:7", "2:8"), List.of(at(value(root, "name")), at(value(root, "nodes"))));
        assertNull(SpecFixture.compose(""));
    }
}
