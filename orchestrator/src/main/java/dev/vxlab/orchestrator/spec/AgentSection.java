package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.text.GoDuration;
import dev.vxlab.core.text.ShellWords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code agent:}: the flanneld options and the subnet lease TTL. The options end up inside
 * {@code FLANNEL_OPTIONS="..."} in /etc/sysconfig/flanneld, a file a shell sources, so every character that
 * would end the double-quoted string or expand inside it is refused by name; single quotes (which the agent
 * splits as a shell would) are the way to pass a value with spaces.
 */
final class AgentSection {
    static final List<String> KEYS = List.of("options", "leaseTtl");

    private final Val<String> options;
    private final Val<Duration> leaseTtl;

    private AgentSection(Section top, Values values) {
        Section agent = top.section("agent", KEYS);
        options = agent.field("options", SpecDefaults.AGENT_OPTIONS, optionsReader(values));
        leaseTtl = agent.field("leaseTtl", SpecDefaults.LEASE_TTL, leaseTtlReader(values));
    }

    static AgentSection read(Section top, Values values) {
        return new AgentSection(top, values);
    }

    /** Only when nothing was recorded. */
    LabSpec.Agent agent() {
        return new LabSpec.Agent(options.value(), leaseTtl.value());
    }

    static Reader<String> optionsReader(Values values) {
        return (n, path) -> {
            String s = values.string(n, path, "flanneld options as one string such as \"--iface=eth1\"");
            if (s == null) {
                return null;
            }
            List<String> bad = breakingCharacters(s);
            if (!bad.isEmpty()) {
                String which = bad.size() == 1 ? bad.get(0)
                        : String.join(", ", bad.subList(0, bad.size() - 1)) + " and " + bad.get(bad.size() - 1);
                values.problems().at(n, path, "must not contain " + which + ": " + (bad.size() == 1 ? "it" : "they")
                        + " would break out of FLANNEL_OPTIONS=\"...\" in /etc/sysconfig/flanneld;"
                        + " use single quotes for values with spaces");
                return null;
            }
            try {
                ShellWords.split(s);
            } catch (IllegalArgumentException e) {
                values.problems().at(n, path,
                        "has a ' quote that is never closed; quotes must come in pairs, as in --iface-regex='^eth1$'");
                return null;
            }
            return s;
        };
    }

    /** The characters of {@code s} that would break out of a double-quoted shell string, named, each once, in order. */
    static List<String> breakingCharacters(String s) {
        Set<String> bad = new LinkedHashSet<>();
        s.chars().forEach(c -> {
            switch (c) {
                case '`' -> bad.add("` (backquote)");
                case '$' -> bad.add("$ (dollar sign)");
                case '\\' -> bad.add("\\ (backslash)");
                case '"' -> bad.add("\" (double quote)");
                case '\n' -> bad.add("a line break");
                case '\r' -> bad.add("a carriage return");
                default -> {
                    if (c != '\t' && Character.isISOControl(c)) {
                        bad.add(String.format("the control character U+%04X", c));
                    }
                }
            }
        });
        return new ArrayList<>(bad);
    }

    private static Reader<Duration> leaseTtlReader(Values values) {
        return (n, path) -> {
            Duration d = values.duration(n, path, "a Go duration such as 24h, 30m or 90s");
            if (d != null && d.compareTo(SpecDefaults.MIN_LEASE_TTL) < 0) {
                values.problems().at(n, path, ((ScalarNode) n).getValue()
                        + " is too short: a subnet lease must last at least " + GoDuration.format(SpecDefaults.MIN_LEASE_TTL));
                return null;
            }
            return d;
        };
    }
}
