package dev.vxlab.orchestrator.spec;

import dev.vxlab.orchestrator.spec.LabSpec.Backend;
import dev.vxlab.orchestrator.spec.LabSpec.Firewall;
import dev.vxlab.orchestrator.spec.LabSpec.Provider;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Resolves a composed YAML tree into a {@link LabSpec}, collecting every problem into {@link Problems}; the one
 * entry point ({@link SpecLoader} calls it) over the section readers.
 *
 * <p>Design note. SnakeYAML's composed {@link Node} tree is the raw spec: every value still has its text, its
 * YAML type (tag) and its position, which a constructed {@code Map<String,Object>} would lose. Resolution has
 * two steps over that tree:
 * <ol>
 *   <li>Each field on its own ({@link Section} and {@link Values}): the key is one its section allows (else "did
 *   you mean"), is not repeated, its value has the right YAML type and its own syntax (a CIDR with zero host
 *   bits, a name, a URL, a Go duration). A field yields a {@link Val} — the value and the node it came from, or
 *   the default with no node when the key is absent — or {@code null} when it was wrong (and the problem is
 *   recorded).</li>
 *   <li>The rules between fields, each in the section class that owns them ({@link NetworkSection}: hostIp
 *   inside underlay.cidr, overlaps; {@link NodesSection}: unique names and addresses; {@link EtcdSection}: mode
 *   against endpoints and TLS files; {@link SshSection}: only for provider ssh), each run only when every field
 *   it needs resolved, so that one mistake gives one error rather than a cascade. A rule reports at a value the
 *   user wrote, never at a default, and a value used twice at its second use — where an alias stands, not at its
 *   anchor ({@link AliasPositions}).</li>
 * </ol>
 * The sections are read in a fixed order (top-level keys, name, provider, network and underlay, etcd, agent,
 * firewall, vagrant, ssh, nodes): problems at one position keep the order in which they were found. A
 * {@link LabSpec} is built only when nothing was recorded.
 */
final class SpecResolver {
    static final List<String> TOP_KEYS = List.of("name", "provider", "network", "underlay", "etcd", "agent", "firewall", "vagrant",
            "ssh", "nodes");
    // The sections' own lists, named here as the whole schema.
    static final List<String> NETWORK_KEYS = NetworkSection.NETWORK_KEYS;
    static final List<String> UNDERLAY_KEYS = NetworkSection.UNDERLAY_KEYS;
    static final List<String> ETCD_KEYS = EtcdSection.KEYS;
    static final List<String> NODE_KEYS = NodesSection.KEYS;
    static final List<String> PROVIDERS = Choice.words(Provider.class);
    static final List<String> BACKENDS = Choice.words(Backend.class);

    private final Problems problems;
    private final Values values;
    private final Path source;
    private final Provider override;

    /** {@code override}: the provider the command line asked for (vxlab up --provider), or null for the spec's. */
    SpecResolver(Problems problems, Path source, Provider override) {
        this.problems = problems;
        this.values = new Values(problems, source);
        this.source = source;
        this.override = override;
    }

    /** The resolved spec, or null when anything was wrong (the problems are recorded). */
    LabSpec resolve(Node root) {
        if (root == null || Values.isNull(root)) {
            problems.at(1, 1, "", "the file is empty; a lab spec needs at least a name and nodes (see labs/quickstart.yaml)");
            return null;
        }
        if (!(root instanceof MappingNode rootMap)) {
            problems.at(root, "", "the top level must be a map of keys such as name: and nodes:, got " + Describe.node(root));
            return null;
        }
        Section top = Section.of(SpecMap.check(rootMap, "", TOP_KEYS, problems), problems);

        Val<String> name = top.required("name", "give the lab a name such as quickstart (it prefixes every object the lab creates)",
                values.name("lab"));
        Val<Provider> provider = top.field("provider", SpecDefaults.PROVIDER, values.choice(Provider.class));
        Provider effective = override != null ? override : provider == null ? null : provider.value();
        NetworkSection network = NetworkSection.read(top, values);
        EtcdSection etcd = EtcdSection.read(top, values);
        AgentSection agent = AgentSection.read(top, values);
        Val<Firewall> firewall = top.field("firewall", SpecDefaults.FIREWALL, values.choice(Firewall.class));
        VagrantSection vagrant = VagrantSection.read(top, values);
        SshSection ssh = SshSection.read(top, values, effective);
        NodesSection nodes = NodesSection.read(top, values, network, ssh);
        if (problems.isEmpty()) {
            etcd.checkOn(nodes.nodes());
        }

        if (!problems.isEmpty()) {
            return null;
        }
        return new LabSpec(name.value(), effective, network.network(), network.underlay(), etcd.etcd(), agent.agent(),
                firewall.value(), vagrant.vagrant(), nodes.nodes(), source);
    }
}
