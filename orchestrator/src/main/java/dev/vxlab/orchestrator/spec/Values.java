package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.core.text.GoDuration;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The readers of one value on its own, shared by every section: text, whole numbers in a range, booleans, a
 * {@link Choice}, names, CIDRs, IPv4 addresses, Go durations, file paths and words of a given shape. Each reads
 * a node and its YAML path and returns the value, or records the problem at the node (file:line:column and path)
 * and returns null.
 *
 * <p>Design note. YAML types a scalar before we see it (SnakeYAML's tag), and a student's mistake is most
 * often the wrong type for the right text: {@code port: "8472"}, {@code nat: "false"}, {@code name: no} (a
 * boolean). So a type mismatch names what was expected and what YAML read, with the quote to add or drop.
 */
final class Values {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");

    private final Problems problems;
    private final Path source;

    /** {@code source}: the spec file, whose directory relative file paths are taken from. */
    Values(Problems problems, Path source) {
        this.problems = problems;
        this.source = source;
    }

    /** Where the readers record; a section's own rules record there too. */
    Problems problems() {
        return problems;
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** A YAML string; {@code what} completes "expected ...". */
    String string(Node n, String path, String what) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        String hint = n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)
                ? " (YAML reads " + s.getValue() + " as a boolean; write \"" + s.getValue() + "\" in quotes for the word)" : "";
        problems.at(n, path, "expected " + what + ", got " + Describe.node(n) + hint);
        return null;
    }

    /** A string matching {@code shape}; {@code what} for a value that is no string, {@code detailed} for one of the wrong shape. */
    Reader<String> word(String what, String detailed, Pattern shape) {
        return (n, path) -> {
            String s = string(n, path, what);
            if (s != null && !shape.matcher(s).matches()) {
                problems.at(n, path, "expected " + detailed + ", got " + Describe.quote(s));
                return null;
            }
            return s;
        };
    }

    /** A container image reference, such as {@code example}. */
    Reader<String> image(String example) {
        String what = "a container image such as " + example;
        return word(what, what, IMAGE);
    }

    /** A lab or node name ({@code kind}), by {@link LabName}'s rule. */
    Reader<String> name(String kind) {
        return (n, path) -> {
            String s = string(n, path, "a " + kind + " name such as " + (kind.equals("lab") ? "quickstart" : "kube1"));
            if (s == null) {
                return null;
            }
            Optional<String> problem = LabName.problem(s);
            if (problem.isEmpty()) {
                return s;
            }
            problems.at(n, path, "invalid " + kind + " name " + Describe.quote(s) + ": " + problem.get() + "; " + LabName.RULE);
            return null;
        };
    }

    /** One of {@code type}'s words, with the nearest one suggested. */
    <E extends Enum<E> & Choice> Reader<E> choice(Class<E> type) {
        List<String> words = Choice.words(type);
        String expected = "one of " + String.join(", ", words);
        return (n, path) -> {
            String s = string(n, path, expected);
            if (s == null) {
                return null;
            }
            return Choice.of(type, s).orElseGet(() -> {
                problems.at(n, path, "expected " + expected + ", got " + Describe.quote(s)
                        + Suggest.closest(s, words).map(c -> "; did you mean " + c + "?").orElse(""));
                return null;
            });
        };
    }

    /** A YAML integer in plain decimal; beyond a long it reads as Long.MAX_VALUE or MIN_VALUE (out of any range). */
    Long integer(Node n, String path, String what) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            String digits = s.getValue().replace("_", "");
            if (DECIMAL.matcher(digits).matches()) {
                BigInteger value = new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits);
                return value.bitLength() < 63 ? value.longValue() : (value.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
            }
            problems.at(n, path, "expected " + what + ", got " + s.getValue() + " (write it as a plain decimal number)");
            return null;
        }
        String hint = n instanceof ScalarNode s && s.getTag().equals(Tag.STR) && DECIMAL.matcher(s.getValue().strip()).matches()
                ? " (a number in quotes is text; write " + s.getValue().strip() + " without quotes)" : "";
        problems.at(n, path, "expected " + what + ", got " + Describe.node(n) + hint);
        return null;
    }

    /** A whole number from {@code min} to {@code max}; {@code outOfRange} is a format for the number as written. */
    Reader<Integer> intIn(String what, int min, int max, String outOfRange) {
        return (n, path) -> {
            Long value = integer(n, path, what);
            if (value == null) {
                return null;
            }
            if (value < min || value > max) {
                problems.at(n, path, String.format(outOfRange, ((ScalarNode) n).getValue()));
                return null;
            }
            return value.intValue();
        };
    }

    Boolean bool(Node n, String path) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return Set.of("true", "yes", "on").contains(s.getValue().toLowerCase(Locale.ROOT));
        }
        String hint = n instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                && Set.of("true", "false", "yes", "no", "on", "off").contains(s.getValue().toLowerCase(Locale.ROOT))
                ? " (in quotes it is text; write " + s.getValue() + " without quotes)" : "";
        problems.at(n, path, "expected true or false, got " + Describe.node(n) + hint);
        return null;
    }

    /** A network address with its prefix length and no host bits, such as {@code example}. */
    Reader<Ip4Net> cidr(String example) {
        return (n, path) -> {
            String s = string(n, path, "a CIDR such as " + example);
            if (s == null) {
                return null;
            }
            Ip4Net net;
            try {
                net = Ip4Net.parseLoose(s);
            } catch (IllegalArgumentException e) {
                problems.at(n, path, "expected a CIDR, an IPv4 network address and a prefix length 0 to 32 such as "
                        + example + ", got " + Describe.quote(s));
                return null;
            }
            if (!net.ip().equals(net.network())) {
                problems.at(n, path, Describe.quote(s) + " has host bits set; the network is " + net.canonical());
                return null;
            }
            return net;
        };
    }

    Ip4 ip(Node n, String path) {
        String s = string(n, path, "an IPv4 address such as 192.168.56.11");
        if (s == null) {
            return null;
        }
        try {
            return Ip4.parse(s);
        } catch (IllegalArgumentException e) {
            problems.at(n, path, "expected an IPv4 address (four numbers 0 to 255, no leading zeros) such as 192.168.56.11, got "
                    + Describe.quote(s));
            return null;
        }
    }

    /** A Go duration ({@code example} names some); a bare number is refused with the unit to add. */
    Duration duration(Node n, String path, String example) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            problems.at(n, path, "expected " + example + ", got the number " + s.getValue()
                    + " (add a unit, e.g. " + s.getValue() + "s)");
            return null;
        }
        String s = string(n, path, example);
        if (s == null) {
            return null;
        }
        try {
            return GoDuration.parse(s);
        } catch (IllegalArgumentException e) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s));
            return null;
        }
    }

    /** A file path that a shell and a config file can carry as is; relative to the spec's directory, ~/ the user's home. */
    Path file(Node n, String path) {
        String s = string(n, path, "a file path such as certs/ca.pem");
        if (s == null) {
            return null;
        }
        String problem = null;
        if (s.isEmpty()) {
            problem = "it is empty";
        } else {
            int bad = s.codePoints().filter(c -> Character.isWhitespace(c) || Character.isISOControl(c) || "\"'`$\\".indexOf(c) >= 0)
                    .findFirst().orElse(-1);
            if (bad >= 0) {
                problem = Describe.character(bad) + " is not allowed; use a path without spaces, quotes, $, ` or \\";
            }
        }
        if (problem != null) {
            problems.at(n, path, "expected a file path such as certs/ca.pem, got " + Describe.quote(s) + ": " + problem);
            return null;
        }
        Path p = s.equals("~") || s.startsWith("~/") ? Path.of(System.getProperty("user.home") + s.substring(1)) : Path.of(s);
        Path dir = source.getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    /** A file that must exist now (an SSH key, a known_hosts file). */
    Path existingFile(Node n, String path) {
        Path p = file(n, path);
        if (p != null && !Files.isRegularFile(p)) {
            problems.at(n, path, "no such file: " + p);
            return null;
        }
        return p;
    }
}
