package dev.vxlab.orchestrator.spec;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** How a YAML value is named in an error message: {@code "qemu"}, {@code the number 5}, {@code a list}. */
final class Describe {
    private Describe() {
    }

    static String node(Node node) {
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue();
        Tag tag = s.getTag();
        if (tag.equals(Tag.STR)) {
            return quote(v);
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "the number " + v;
        }
        if (tag.equals(Tag.BOOL)) {
            return "the boolean " + v;
        }
        if (tag.equals(Tag.NULL)) {
            return "nothing";
        }
        if (tag.equals(Tag.TIMESTAMP)) {
            return "the date " + v;
        }
        return quote(v) + " tagged " + tag.getValue().replace(Tag.PREFIX, "!!") + " (YAML tags are not supported here)";
    }

    /** One character as an error names it: {@code a space}, {@code 'K' (uppercase)}, {@code the control character U+0009}. */
    static String character(int c) {
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c)) {
            return String.format("the control character U+%04X", c);
        }
        return "'" + new String(Character.toChars(c)) + "'" + (Character.isUpperCase(c) ? " (uppercase)" : "");
    }

    /** Double-quoted, with quotes, backslashes and control characters escaped so that the message stays one line. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
