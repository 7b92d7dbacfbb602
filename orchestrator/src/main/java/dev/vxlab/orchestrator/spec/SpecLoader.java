package dev.vxlab.orchestrator.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a lab spec with SnakeYAML's safe loading, validates the whole of it and resolves it into a
 * {@link LabSpec}, or throws a {@link SpecException} listing every problem with file:line:column, YAML path
 * and what was expected. Touches nothing but the file it reads.
 *
 * <p>The file is composed into a node tree (never constructed into objects, so no type is ever instantiated
 * from the YAML), with at most {@value #MAX_COLLECTION_ALIASES} aliases to maps or lists (an alias bomb
 * stops there); each alias keeps the position where it is written ({@link AliasPositions}). Paths in errors
 * are written {@code network.cidr}, {@code nodes[1].ip}, list indexes counted from 0; lines and columns are
 * counted from 1; the file is named as it was given (relative stays relative).
 *
 * <p>Only {@code name} and {@code nodes} are required. The defaults (see {@link SpecDefaults}) are those of
 * labs/quickstart.yaml and flannel's:
 * <pre>
 * provider: netns
 * network:  {cidr: 10.244.0.0/16, subnetLen: 24 (flannel's rule: 24 for a /22 or wider, else prefix + 2),
 *            backend: vxlan, vni: 1, port: 8472, directRouting: false}
 * underlay: {cidr: 192.168.56.0/24, hostIp: the first address of underlay.cidr, nat: true}
 * etcd:     {mode: auto, image: quay.io/coreos/etcd:v3.5.17, prefix: /coreos.com/network}
 * agent:    {options: "--iface=eth1", leaseTtl: 24h}
 * firewall: none      (a lab touches a firewall only when the spec names one)
 * </pre>
 * Relative etcd TLS file paths are taken relative to the spec file's directory.
 */
public final class SpecLoader {
    /** Aliases to maps or lists allowed in one spec: enough for sharing a block, far too few for a bomb. */
    public static final int MAX_COLLECTION_ALIASES = 10;

    private SpecLoader() {
    }

    public static LabSpec load(Path file) {
        return load(file, null);
    }

    /** Loads the spec as if its {@code provider:} were {@code override} (null: as written); vxlab up --provider. */
    public static LabSpec load(Path file, LabSpec.Provider override) {
        String label = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(List.of(new SpecError(label, 0, 0, "", "no such file")));
        } catch (MalformedInputException e) {
            throw new SpecException(List.of(new SpecError(label, 0, 0, "", "not UTF-8 text; save the spec as UTF-8")));
        } catch (IOException e) {
            throw new SpecException(List.of(new SpecError(label, 0, 0, "", "cannot read the file: " + e.getMessage())));
        }
        return resolve(label, file, text, override);
    }

    /** Resolves spec text; {@code fileLabel} names the file in errors and is the base of relative TLS file paths. */
    public static LabSpec parse(String fileLabel, String yamlText) {
        return resolve(fileLabel, Path.of(fileLabel), yamlText, null);
    }

    /** As {@link #parse(String, String)}, with the provider {@code override} as {@code vxlab up --provider} gives it. */
    static LabSpec parse(String fileLabel, String yamlText, LabSpec.Provider override) {
        return resolve(fileLabel, Path.of(fileLabel), yamlText, override);
    }

    private static LabSpec resolve(String label, Path source, String text, LabSpec.Provider override) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Problems problems = new Problems(label);
        Node root = compose(text, problems);
        LabSpec spec = problems.isEmpty() ? new SpecResolver(problems, source, override).resolve(root) : null;
        if (!problems.isEmpty()) {
            throw new SpecException(problems.inFileOrder());
        }
        return spec;
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(1 << 20);
        return options;
    }

    /** The document's node tree, or null for an empty file; a YAML error is recorded with its position. */
    private static Node compose(String text, Problems problems) {
        try {
            return AliasPositions.compose(text, options());
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.at(at, "", syntaxError(e, at));
        } catch (YAMLException e) {
            Mark alias = e.getMessage() != null && e.getMessage().startsWith("Number of aliases") ? tooManyAliases(text) : null;
            if (alias != null) {
                problems.at(alias, "", "one alias too many: a spec may refer to anchored maps or lists at most "
                        + MAX_COLLECTION_ALIASES + " times (a guard against alias bombs); write the values out");
            } else {
                problems.at(1, 1, "", "cannot read the YAML: " + e.getMessage());
            }
        }
        return null;
    }

    /** SnakeYAML's message, reworded where its own wording would puzzle a student. */
    private static String syntaxError(MarkedYAMLException e, Mark at) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        if (problem.contains("(TAB)")) {
            return "YAML syntax error: a tab cannot indent YAML; indent with spaces";
        }
        if (problem.startsWith("Global tag is not allowed")) {
            String tag = problem.substring(problem.indexOf(':') + 1).strip().replace(Tag.PREFIX, "!!");
            return "the YAML tag " + tag + " is not allowed; a spec holds plain values only";
        }
        if ("expected a single document in the stream".equals(e.getContext())) {
            return "a spec is a single YAML document, but a second one starts here";
        }
        Mark contextMark = e.getContextMark();
        String context = e.getContext() == null ? ""
                : e.getContext() + (contextMark == null || contextMark == at ? ""
                : " started at line " + (contextMark.getLine() + 1) + ", column " + (contextMark.getColumn() + 1)) + ": ";
        return "YAML syntax error: " + context + problem;
    }

    /** Where the alias that goes over {@link #MAX_COLLECTION_ALIASES} stands, counted as SnakeYAML's composer does. */
    private static Mark tooManyAliases(String text) {
        Set<String> collections = new HashSet<>();
        int count = 0;
        try {
            for (Event event : new Yaml(new SafeConstructor(options())).parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias) {
                    if (collections.contains(alias.getAnchor()) && ++count > MAX_COLLECTION_ALIASES) {
                        return alias.getStartMark();
                    }
                } else if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    if (event instanceof CollectionStartEvent) {
                        collections.add(node.getAnchor());
                    } else {
                        collections.remove(node.getAnchor());
                    }
                }
            }
        } catch (YAMLException e) {
            return null;
        }
        return null;
    }
}
