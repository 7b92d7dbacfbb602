package dev.vxlab.orchestrator.spec;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Composes a YAML document as SnakeYAML's {@code Yaml.compose} does, then gives every alias the position where
 * the alias is written.
 *
 * <p>Design note. For {@code *a} SnakeYAML's composer hands back the anchored node itself, with the anchor's
 * position, and keeps no trace of the alias. A problem with the aliased value would then point at the anchor:
 * for {@code ip: *a} used twice, "already the address of nodes[0]" would point at nodes[0], the line that is
 * fine. The alias events are recorded as the parser hands them out, in document order; a walk of the tree in
 * document order that does not enter a node met before finds the places aliases stand in that same order (a
 * node object is met again only through an alias, and its anchor always comes first). Each such place gets a
 * copy of the node at the alias's position; a map's or list's copy shares its children, which keep theirs.
 */
final class AliasPositions {
    private AliasPositions() {
    }

    /** The document's node tree, or null for an empty stream; throws SnakeYAML's exceptions as compose() does. */
    static Node compose(String text, LoaderOptions options) {
        Recording parser = new Recording(new ParserImpl(new StreamReader(new StringReader(text)), options));
        Node root = new Composer(parser, new Resolver(), options).getSingleNode();
        if (root != null && !parser.aliases.isEmpty()) {
            Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            seen.add(root);
            walk(root, parser.aliases, seen);
        }
        return root;
    }

    private static void walk(Node node, Deque<AliasEvent> aliases, Set<Node> seen) {
        if (node instanceof MappingNode map) {
            List<NodeTuple> tuples = map.getValue();
            for (int i = 0; i < tuples.size(); i++) {
                Node key = place(tuples.get(i).getKeyNode(), aliases, seen);
                Node value = place(tuples.get(i).getValueNode(), aliases, seen);
                tuples.set(i, new NodeTuple(key, value));
            }
        } else if (node instanceof SequenceNode seq) {
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                items.set(i, place(items.get(i), aliases, seen));
            }
        }
    }

    /** The node for one place in the tree: itself where it is written, else a copy at the next alias's position. */
    private static Node place(Node node, Deque<AliasEvent> aliases, Set<Node> seen) {
        if (seen.add(node)) {
            walk(node, aliases, seen);
            return node;
        }
        AliasEvent alias = aliases.poll();
        return alias == null ? node : at(node, alias.getStartMark(), alias.getEndMark());
    }

    private static Node at(Node node, Mark start, Mark end) {
        if (node instanceof ScalarNode s) {
            return new ScalarNode(s.getTag(), s.getValue(), start, end, s.getScalarStyle());
        }
        if (node instanceof MappingNode m) {
            return new MappingNode(m.getTag(), true, m.getValue(), start, end, m.getFlowStyle());
        }
        SequenceNode q = (SequenceNode) node;
        return new SequenceNode(q.getTag(), true, q.getValue(), start, end, q.getFlowStyle());
    }

    /** Hands out the parser's events, keeping the alias events. */
    private static final class Recording implements Parser {
        private final Parser parser;
        private final Deque<AliasEvent> aliases = new ArrayDeque<>();

        Recording(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event event = parser.getEvent();
            if (event instanceof AliasEvent alias) {
                aliases.add(alias);
            }
            return event;
        }
    }
}
