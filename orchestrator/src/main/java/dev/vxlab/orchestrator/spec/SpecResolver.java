package dev.vxlab.orchestrator.spec;

import dev.vxlab.agent.config.GoDuration;
import dev.vxlab.agent.config.ShellWords;
import dev.vxlab.agent.net.Ip4;
import dev.vxlab.agent.net.Ip4Net;
import dev.vxlab.orchestrator.spec.LabSpec.EtcdMode;
import dev.vxlab.orchestrator.spec.LabSpec.Firewall;
import dev.vxlab.orchestrator.spec.LabSpec.Provider;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Resolves a composed YAML tree into a {@link LabSpec}, collecting every problem into {@link Problems}.
 *
 * <p>Design note. SnakeYAML's composed {@link Node} tree is the raw spec: every value still has its text, its
 * YAML type (tag) and its position, which a constructed {@code Map<String,Object>} would lose. Resolution has
 * two steps over that tree:
 * <ol>
 *   <li>Each field on its own: the key is one its section allows (else "did you mean"), is not repeated, its
 *   value has the right YAML type and its own syntax (a CIDR with zero host bits, a name, a URL, a Go duration).
 *   A field yields a {@link Val} — the value and the node it came from, or the default with no node when the key
 *   is absent — or {@code null} when it was wrong (and the problem is recorded).</li>
 *   <li>The rules between fields (hostIp inside underlay.cidr, overlaps, unique names and addresses, etcd mode
 *   against endpoints and TLS files), each run only when every field it needs resolved, so that one mistake
 *   gives one error rather than a cascade. A rule reports at a value the user wrote, never at a default.</li>
 * </ol>
 * A {@link LabSpec} is built only when nothing was recorded.
 */
final class SpecResolver {
    static final List<String> TOP_KEYS = List.of("name", "provider", "network", "underlay", "etcd", "agent", "firewall", "vagrant",
            "ssh", "nodes");
    static final List<String> NETWORK_KEYS = List.of("cidr", "subnetLen", "backend", "vni", "port", "directRouting");
    static final List<String> UNDERLAY_KEYS = List.of("cidr", "hostIp", "nat");
    static final List<String> ETCD_KEYS = List.of("mode", "image", "prefix", "on", "endpoints", "caFile", "certFile", "keyFile");
    static final List<String> AGENT_KEYS = List.of("options", "leaseTtl");
    static final List<String> NODE_KEYS = List.of("name", "ip", "ssh");
    static final List<String> VAGRANT_KEYS = List.of("provider", "box", "memory", "cpus", "image");
    static final List<String> SSH_KEYS = List.of("user", "port", "identityFile", "knownHosts");
    static final List<String> NODE_SSH_KEYS = List.of("host", "port", "user", "identityFile");

    static final List<String> PROVIDERS = List.of("netns", "vagrant", "ssh");
    static final List<String> VAGRANT_PROVIDERS = List.of("docker", "virtualbox", "libvirt");
    static final List<String> BACKENDS = List.of("vxlan", "host-gw");
    static final List<String> ETCD_MODES = List.of("auto", "container", "process", "external");
    static final List<String> FIREWALLS = List.of("firewalld", "iptables", "none");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final Pattern KEY_PART = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern BOX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63})?");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");
    private static final String NAME_RULE =
            "a name is 1 to 16 characters: a lowercase letter first, then lowercase letters, digits or '-'";
    private static final String NODE_EXAMPLE = "{name: kube1, ip: 192.168.56.11}";

    private final Problems problems;
    private final Path source;
    private final Provider override;

    /** {@code override}: the provider the command line asked for (vxlab up --provider), or null for the spec's. */
    SpecResolver(Problems problems, Path source, Provider override) {
        this.problems = problems;
        this.source = source;
        this.override = override;
    }

    /** A resolved field: its value and the node it was read from; {@code node} is null for a default. */
    private record Val<T>(T value, Node node) {
        boolean given() {
            return node != null;
        }
    }

    /** A section (a map under a top-level key): absent (all defaults), wrong (all its fields unknown) or given. */
    private record Section(SpecMap map, boolean ok) {
        static final Section ABSENT = new Section(null, true);
        static final Section WRONG = new Section(null, false);
    }

    @FunctionalInterface
    private interface Reader<T> {
        /** The value read from {@code node}, or null after recording why it cannot be used. */
        T read(Node node, String path);
    }

    /** The resolved spec, or null when anything was wrong (the problems are recorded). */
    LabSpec resolve(Node root) {
        if (root == null || isNull(root)) {
            problems.at(1, 1, "", "the file is empty; a lab spec needs at least a name and nodes (see labs/quickstart.yaml)");
            return null;
        }
        if (!(root instanceof MappingNode rootMap)) {
            problems.at(root, "", "the top level must be a map of keys such as name: and nodes:, got " + Describe.node(root));
            return null;
        }
        SpecMap top = SpecMap.check(rootMap, "", TOP_KEYS, problems);
        Section whole = new Section(top, true);

        Val<String> name = required(top, "name", "give the lab a name such as quickstart (it prefixes every object the lab creates)",
                (n, p) -> name(n, p, "lab"));
        Val<String> provider = field(whole, "provider", SpecDefaults.PROVIDER.name().toLowerCase(Locale.ROOT), this::choiceOf);
        Provider effective = override != null ? override
                : provider == null ? null : Provider.valueOf(provider.value().toUpperCase(Locale.ROOT));

        // network
        Section net = section(top, "network", NETWORK_KEYS);
        Val<Ip4Net> cidr = field(net, "cidr", SpecDefaults.NETWORK_CIDR, this::cidr);
        Val<Integer> subnetLenGiven = field(net, "subnetLen", null, this::subnetLen);
        Val<String> backend = field(net, "backend", SpecDefaults.BACKEND, this::choiceOf);
        Val<Integer> vni = field(net, "vni", SpecDefaults.VNI, (n, p) -> intIn(n, p,
                "a VXLAN network identifier (VNI), a whole number from 1 to 16777215",
                1, 0xFFFFFF, "%s is out of range: a VXLAN network identifier (VNI) is 1 to 16777215"));
        Val<Integer> port = field(net, "port", SpecDefaults.PORT, (n, p) -> intIn(n, p,
                "a UDP port, a whole number from 1 to 65535",
                1, 65535, "%s is not a UDP port: use 1 to 65535 (flannel's VXLAN port is 8472)"));
        Val<Boolean> directRouting = field(net, "directRouting", SpecDefaults.DIRECT_ROUTING, this::bool);
        Integer subnetLen = subnetLen(cidr, subnetLenGiven);

        // underlay
        Section under = section(top, "underlay", UNDERLAY_KEYS);
        Val<Ip4Net> underlayCidr = field(under, "cidr", SpecDefaults.UNDERLAY_CIDR, this::cidr);
        if (underlayCidr != null && underlayCidr.value().prefixLen() > 30) {
            problems.at(underlayCidr.node(), "underlay.cidr", underlayCidr.value() + " is too small: it must hold the host's address"
                    + " and the nodes' (use a /30 or wider, such as 192.168.56.0/24)");
            underlayCidr = null;
        }
        Val<Ip4> hostIp = hostIp(field(under, "hostIp", null, this::ip), underlayCidr);
        Val<Boolean> nat = field(under, "nat", SpecDefaults.NAT, this::bool);
        overlaps(cidr, underlayCidr, nat);

        // etcd
        Section etcdSection = section(top, "etcd", ETCD_KEYS);
        Val<String> mode = field(etcdSection, "mode", SpecDefaults.ETCD_MODE.name().toLowerCase(Locale.ROOT), this::choiceOf);
        EtcdMode etcdMode = mode == null ? null : EtcdMode.valueOf(mode.value().toUpperCase(Locale.ROOT));
        Val<String> image = notFor(etcdSection, "image", etcdMode, Set.of(EtcdMode.PROCESS, EtcdMode.EXTERNAL),
                "mode: auto or container", SpecDefaults.ETCD_IMAGE, this::image);
        Val<String> prefix = field(etcdSection, "prefix", SpecDefaults.ETCD_PREFIX, this::etcdPrefix);
        Val<String> on = notFor(etcdSection, "on", etcdMode, Set.of(EtcdMode.EXTERNAL), "mode: auto, container or process", null,
                (n, p) -> name(n, p, "node"));
        Set<EtcdMode> notExternal = Set.of(EtcdMode.AUTO, EtcdMode.CONTAINER, EtcdMode.PROCESS);
        String externalOnly = "mode: external";
        Val<List<Val<URI>>> endpoints = notFor(etcdSection, "endpoints", etcdMode, notExternal, externalOnly, null, this::endpoints);
        Val<Path> caFile = notFor(etcdSection, "caFile", etcdMode, notExternal, externalOnly, null, this::file);
        Val<Path> certFile = notFor(etcdSection, "certFile", etcdMode, notExternal, externalOnly, null, this::file);
        Val<Path> keyFile = notFor(etcdSection, "keyFile", etcdMode, notExternal, externalOnly, null, this::file);
        if (etcdMode == EtcdMode.EXTERNAL) {
            external(etcdSection, endpoints, caFile, certFile, keyFile);
        }

        // agent, firewall
        Section agentSection = section(top, "agent", AGENT_KEYS);
        Val<String> options = field(agentSection, "options", SpecDefaults.AGENT_OPTIONS, this::agentOptions);
        Val<Duration> leaseTtl = field(agentSection, "leaseTtl", SpecDefaults.LEASE_TTL, this::leaseTtl);
        Val<String> firewall = field(whole, "firewall", SpecDefaults.FIREWALL.name().toLowerCase(Locale.ROOT), this::choiceOf);

        // vagrant: what the Vagrantfile builds (any provider may carry it); ssh: only for provider ssh
        Section vagrantSection = section(top, "vagrant", VAGRANT_KEYS);
        Val<String> vagrantProvider = field(vagrantSection, "provider", null, this::choiceOf);
        Val<String> box = field(vagrantSection, "box", SpecDefaults.VAGRANT_BOX, this::box);
        Val<Integer> memory = field(vagrantSection, "memory", SpecDefaults.VAGRANT_MEMORY, (n, p) -> intIn(n, p,
                "the machine's memory in MB, a whole number from 256 to 65536", 256, 65536, "%s MB is out of range: use 256 to 65536"));
        Val<Integer> cpus = field(vagrantSection, "cpus", SpecDefaults.VAGRANT_CPUS, (n, p) -> intIn(n, p,
                "a number of CPUs from 1 to 64", 1, 64, "%s CPUs is out of range: use 1 to 64"));
        Val<String> nodeImage = field(vagrantSection, "image", SpecDefaults.NODE_IMAGE, this::image);
        Section sshSection = onlyForSsh(top, "ssh", SSH_KEYS, effective);
        SshDefaults sshDefaults = new SshDefaults(
                field(sshSection, "user", SpecDefaults.SSH_USER, this::user),
                field(sshSection, "port", SpecDefaults.SSH_PORT, this::sshPort),
                field(sshSection, "identityFile", null, this::existingFile),
                field(sshSection, "knownHosts", null, this::existingFile));
        if (effective == Provider.SSH && sshDefaults.knownHosts() != null && !sshDefaults.knownHosts().given()) {
            problems.at(sshSection.map() == null ? top.node() : sshSection.map().node(), "ssh.knownHosts",
                    "required with provider: ssh: the known_hosts file that holds every node's host key"
                            + " (vxlab never accepts a host key it does not know); e.g. ssh: {knownHosts: ~/.ssh/known_hosts}");
        }

        List<LabSpec.Node> nodes = nodes(top, underlayCidr, hostIp, effective, sshDefaults);
        if (on != null && on.given() && nodes != null && nodes.stream().noneMatch(x -> x.name().equals(on.value()))
                && problems.isEmpty()) {
            problems.at(on.node(), "etcd.on", Describe.quote(on.value()) + " is not a node of this lab; nodes are "
                    + String.join(", ", nodes.stream().map(LabSpec.Node::name).toList()));
        }

        if (!problems.isEmpty()) {
            return null;
        }
        return new LabSpec(name.value(),
                effective,
                new LabSpec.Network(cidr.value(), subnetLen, backend.value(), vni.value(), port.value(), directRouting.value()),
                new LabSpec.Underlay(underlayCidr.value(), hostIp.value(), nat.value()),
                new LabSpec.Etcd(etcdMode, image.value(), prefix.value(), on.value(),
                        endpoints.value() == null ? List.of() : endpoints.value().stream().map(Val::value).toList(),
                        caFile.value(), certFile.value(), keyFile.value()),
                new LabSpec.Agent(options.value(), leaseTtl.value()),
                Firewall.valueOf(firewall.value().toUpperCase(Locale.ROOT)),
                new LabSpec.Vagrant(vagrantProvider.value(), box.value(), memory.value(), cpus.value(), nodeImage.value()),
                nodes, source);
    }

    // ---- sections and fields -------------------------------------------------------------------------------

    private Section section(SpecMap top, String key, List<String> keys) {
        Node n = top.value(key);
        if (n == null) {
            return Section.ABSENT;
        }
        if (!(n instanceof MappingNode m)) {
            problems.at(n, top.path(key), "expected a map with the keys " + String.join(", ", keys) + ", got " + Describe.node(n));
            return Section.WRONG;
        }
        return new Section(SpecMap.check(m, top.path(key), keys, problems), true);
    }

    /** The field's value, its default (no node) when absent, or null when it (or its section) is wrong. */
    private <T> Val<T> field(Section section, String key, T fallback, Reader<T> reader) {
        if (!section.ok()) {
            return null;
        }
        Node n = section.map() == null ? null : section.map().value(key);
        if (n == null) {
            return new Val<>(fallback, null);
        }
        T value = reader.read(n, section.map().path(key));
        return value == null ? null : new Val<>(value, n);
    }

    private <T> Val<T> required(SpecMap map, String key, String hint, Reader<T> reader) {
        Node n = map.value(key);
        if (n == null) {
            problems.at(map.node(), map.path(key), "required key is missing; " + hint);
            return null;
        }
        T value = reader.read(n, map.path(key));
        return value == null ? null : new Val<>(value, n);
    }

    /** A field that only some etcd modes use ({@code usedWith}): given with one of {@code wrongModes} it is an error. */
    private <T> Val<T> notFor(Section section, String key, EtcdMode mode, Set<EtcdMode> wrongModes, String usedWith,
                              T fallback, Reader<T> reader) {
        Node n = section.map() == null ? null : section.map().value(key);
        if (n != null && mode != null && wrongModes.contains(mode)) {
            String what = switch (mode) {
                case AUTO, CONTAINER -> "vxlab starts etcd itself";
                case PROCESS -> "vxlab runs the etcd binary itself";
                case EXTERNAL -> "vxlab starts no etcd";
            };
            problems.at(n, section.map().path(key), key + " is only for " + usedWith + "; with mode: "
                    + mode.name().toLowerCase(Locale.ROOT) + " " + what + " and would ignore it");
            return null;
        }
        return field(section, key, fallback, reader);
    }

    // ---- readers: one value on its own -------------------------------------------------------------------

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private String string(Node n, String path, String what) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        String hint = n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)
                ? " (YAML reads " + s.getValue() + " as a boolean; write \"" + s.getValue() + "\" in quotes for the word)" : "";
        problems.at(n, path, "expected " + what + ", got " + Describe.node(n) + hint);
        return null;
    }

    private String name(Node n, String path, String kind) {
        String s = string(n, path, "a " + kind + " name such as " + (kind.equals("lab") ? "quickstart" : "kube1"));
        if (s == null) {
            return null;
        }
        if (NAME.matcher(s).matches()) {
            return s;
        }
        problems.at(n, path, "invalid " + kind + " name " + Describe.quote(s) + ": " + nameProblem(s) + "; " + NAME_RULE);
        return null;
    }

    private static String nameProblem(String s) {
        if (s.isEmpty()) {
            return "it is empty";
        }
        int length = s.codePointCount(0, s.length());
        if (length > 16) {
            return "it is " + length + " characters long, at most 16 are allowed";
        }
        if (s.charAt(0) < 'a' || s.charAt(0) > 'z') {
            return "it must start with a lowercase letter (a-z)";
        }
        int bad = s.codePoints().filter(c -> !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                .findFirst().orElseThrow();
        return character(bad) + " is not allowed";
    }

    private static String character(int c) {
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c)) {
            return String.format("the control character U+%04X", c);
        }
        return "'" + new String(Character.toChars(c)) + "'" + (Character.isUpperCase(c) ? " (uppercase)" : "");
    }

    /** One of the choices listed for the field's key (provider, backend, mode, firewall). */
    private String choiceOf(Node n, String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        List<String> choices = switch (key) {
            case "provider" -> path.equals("vagrant.provider") ? VAGRANT_PROVIDERS : PROVIDERS;
            case "backend" -> BACKENDS;
            case "mode" -> ETCD_MODES;
            case "firewall" -> FIREWALLS;
            default -> throw new IllegalArgumentException("no choices for " + path);
        };
        String expected = "expected one of " + String.join(", ", choices);
        String s = string(n, path, expected.substring("expected ".length()));
        if (s == null) {
            return null;
        }
        if (choices.contains(s)) {
            return s;
        }
        problems.at(n, path, expected + ", got " + Describe.quote(s)
                + Suggest.closest(s, choices).map(c -> "; did you mean " + c + "?").orElse(""));
        return null;
    }

    private Long integer(Node n, String path, String what) {
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

    private Integer intIn(Node n, String path, String what, int min, int max, String outOfRange) {
        Long value = integer(n, path, what);
        if (value == null) {
            return null;
        }
        if (value < min || value > max) {
            problems.at(n, path, String.format(outOfRange, ((ScalarNode) n).getValue()));
            return null;
        }
        return value.intValue();
    }

    private Boolean bool(Node n, String path) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return Set.of("true", "yes", "on").contains(s.getValue().toLowerCase(Locale.ROOT));
        }
        String hint = n instanceof ScalarNode s && s.getTag().equals(Tag.STR)
                && Set.of("true", "false", "yes", "no", "on", "off").contains(s.getValue().toLowerCase(Locale.ROOT))
                ? " (in quotes it is text; write " + s.getValue() + " without quotes)" : "";
        problems.at(n, path, "expected true or false, got " + Describe.node(n) + hint);
        return null;
    }

    private Ip4Net cidr(Node n, String path) {
        String s = string(n, path, "a CIDR such as " + (path.startsWith("underlay") ? "192.168.56.0/24" : "10.244.0.0/16"));
        if (s == null) {
            return null;
        }
        Ip4Net net;
        try {
            net = Ip4Net.parseLoose(s);
        } catch (IllegalArgumentException e) {
            problems.at(n, path, "expected a CIDR, an IPv4 network address and a prefix length 0 to 32 such as "
                    + (path.startsWith("underlay") ? "192.168.56.0/24" : "10.244.0.0/16") + ", got " + Describe.quote(s));
            return null;
        }
        if (!net.ip().equals(net.network())) {
            problems.at(n, path, Describe.quote(s) + " has host bits set; the network is " + net.canonical());
            return null;
        }
        return net;
    }

    private Ip4 ip(Node n, String path) {
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

    private Integer subnetLen(Node n, String path) {
        Long value = integer(n, path, "a prefix length such as 24");
        if (value == null) {
            return null;
        }
        String text = ((ScalarNode) n).getValue();
        if (value > 30) {
            problems.at(n, path, text + " is too long: flannel allows subnetLen up to 30");
            return null;
        }
        if (value < 1) {
            problems.at(n, path, text + " is not a prefix length: flannel takes subnetLen from network.cidr's prefix + 2 up to 30");
            return null;
        }
        return value.intValue();
    }

    private String image(Node n, String path) {
        String example = "a container image such as " + (path.startsWith("vagrant") ? SpecDefaults.NODE_IMAGE : SpecDefaults.ETCD_IMAGE);
        String s = string(n, path, example);
        if (s != null && !IMAGE.matcher(s).matches()) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s));
            return null;
        }
        return s;
    }

    private String box(Node n, String path) {
        String example = "a Vagrant box such as " + SpecDefaults.VAGRANT_BOX;
        String s = string(n, path, example);
        if (s != null && !BOX.matcher(s).matches()) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s));
            return null;
        }
        return s;
    }

    private String user(Node n, String path) {
        String s = string(n, path, "a user name such as root or vagrant");
        if (s != null && !USER.matcher(s).matches()) {
            problems.at(n, path, "expected a user name such as root or vagrant (lowercase letters, digits, '_' and '-'), got "
                    + Describe.quote(s));
            return null;
        }
        return s;
    }

    private String host(Node n, String path) {
        String s = string(n, path, "a host name or IPv4 address such as 192.168.56.11");
        if (s != null && !HOST.matcher(s).matches()) {
            problems.at(n, path, "expected a host name or IPv4 address such as 192.168.56.11 or kube1.example.org, got "
                    + Describe.quote(s));
            return null;
        }
        return s;
    }

    private Integer sshPort(Node n, String path) {
        return intIn(n, path, "a TCP port, a whole number from 1 to 65535", 1, 65535, "%s is not a TCP port: use 1 to 65535 (SSH's is 22)");
    }

    /** A file that must exist now (an SSH key, a known_hosts file); ~/ is the user's home. */
    private Path existingFile(Node n, String path) {
        Path p = file(n, path);
        if (p != null && !Files.isRegularFile(p)) {
            problems.at(n, path, "no such file: " + p);
            return null;
        }
        return p;
    }

    private String etcdPrefix(Node n, String path) {
        String example = "an absolute etcd key such as " + SpecDefaults.ETCD_PREFIX;
        String s = string(n, path, example);
        if (s == null) {
            return null;
        }
        String problem = null;
        if (!s.startsWith("/")) {
            problem = "it must start with '/'";
        } else if (s.equals("/")) {
            problem = "it must name a key below the root";
        } else if (s.endsWith("/")) {
            problem = "it must not end with '/'";
        } else {
            for (String part : s.substring(1).split("/", -1)) {
                if (part.isEmpty()) {
                    problem = "it has an empty part ('//')";
                    break;
                }
                if (!KEY_PART.matcher(part).matches()) {
                    int bad = part.codePoints().filter(c -> !KEY_PART.matcher(new String(Character.toChars(c))).matches())
                            .findFirst().orElseThrow();
                    problem = character(bad) + " is not allowed; use letters, digits, '.', '_' and '-' between the slashes";
                    break;
                }
            }
        }
        if (problem != null) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s) + ": " + problem);
            return null;
        }
        return s;
    }

    private List<Val<URI>> endpoints(Node n, String path) {
        if (!(n instanceof SequenceNode seq)) {
            problems.at(n, path, "expected a list of etcd client URLs such as [http://192.168.56.1:2379], got " + Describe.node(n));
            return null;
        }
        List<Val<URI>> urls = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            URI url = url(item, path + "[" + i + "]");
            if (url == null) {
                ok = false;
            } else {
                urls.add(new Val<>(url, item));
            }
        }
        return ok ? urls : null;
    }

    private URI url(Node n, String path) {
        String example = "an etcd client URL such as http://192.168.56.1:2379";
        String s = string(n, path, example);
        if (s == null) {
            return null;
        }
        String problem = null;
        URI url = null;
        if (!s.contains("://")) {
            problem = "it has no scheme; write http://" + s + " or https://" + s;
        } else {
            try {
                url = new URI(s);
            } catch (URISyntaxException e) {
                problem = "it is not a URL (" + e.getReason() + ")";
            }
        }
        if (url != null) {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                problem = "the scheme must be http or https";
            } else if (url.getHost() == null) {
                problem = "it has no host";
            } else if (url.getPort() == -1) {
                problem = "it has no port; etcd's client port is usually 2379";
            } else if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                    || !(url.getRawPath().isEmpty() || url.getRawPath().equals("/"))) {
                problem = "it must be only scheme://host:port";
            }
        }
        if (problem != null) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s) + ": " + problem);
            return null;
        }
        return url;
    }

    /** A TLS file; a relative path is taken relative to the spec file's directory. */
    private Path file(Node n, String path) {
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
                problem = character(bad) + " is not allowed; use a path without spaces, quotes, $, ` or \\";
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

    private String agentOptions(Node n, String path) {
        String s = string(n, path, "flanneld options as one string such as \"--iface=eth1\"");
        if (s == null) {
            return null;
        }
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
        if (!bad.isEmpty()) {
            List<String> list = new ArrayList<>(bad);
            String which = list.size() == 1 ? list.get(0)
                    : String.join(", ", list.subList(0, list.size() - 1)) + " and " + list.get(list.size() - 1);
            problems.at(n, path, "must not contain " + which + ": " + (list.size() == 1 ? "it" : "they")
                    + " would break out of FLANNEL_OPTIONS=\"...\" in /etc/sysconfig/flanneld;"
                    + " use single quotes for values with spaces");
            return null;
        }
        try {
            ShellWords.split(s);
        } catch (IllegalArgumentException e) {
            problems.at(n, path, "has a ' quote that is never closed; quotes must come in pairs, as in --iface-regex='^eth1$'");
            return null;
        }
        return s;
    }

    private Duration leaseTtl(Node n, String path) {
        String example = "a Go duration such as 24h, 30m or 90s";
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            problems.at(n, path, "expected " + example + ", got the number " + s.getValue()
                    + " (add a unit, e.g. " + s.getValue() + "s)");
            return null;
        }
        String s = string(n, path, example);
        if (s == null) {
            return null;
        }
        Duration d;
        try {
            d = GoDuration.parse(s);
        } catch (IllegalArgumentException e) {
            problems.at(n, path, "expected " + example + ", got " + Describe.quote(s));
            return null;
        }
        if (d.compareTo(SpecDefaults.MIN_LEASE_TTL) < 0) {
            problems.at(n, path, s + " is too short: a subnet lease must last at least "
                    + GoDuration.format(SpecDefaults.MIN_LEASE_TTL));
            return null;
        }
        return d;
    }

    // ---- rules between fields ---------------------------------------------------------------------------

    private Integer subnetLen(Val<Ip4Net> cidr, Val<Integer> given) {
        if (cidr == null) {
            return null;
        }
        Ip4Net network = cidr.value();
        if (network.prefixLen() > 28) {
            problems.at(cidr.node(), "network.cidr", network + " is too small: flannel needs room for at least four subnets"
                    + " of /30 or wider, so the prefix must be /28 or shorter");
            return null;
        }
        if (given == null) {
            return null;
        }
        if (given.value() == null) {
            return SpecDefaults.subnetLen(network);
        }
        int min = network.prefixLen() + 2;
        if (given.value() < min) {
            problems.at(given.node(), "network.subnetLen", given.value() + " is too short for network.cidr " + network
                    + ": flannel needs subnetLen " + min + " or more (the prefix + 2)"
                    + " so that the network holds at least four subnets");
            return null;
        }
        return given.value();
    }

    private Val<Ip4> hostIp(Val<Ip4> given, Val<Ip4Net> underlay) {
        if (given == null || underlay == null) {
            return null;
        }
        Ip4Net net = underlay.value();
        if (given.value() == null) {
            return new Val<>(SpecDefaults.hostIp(net), null);
        }
        String problem = hostAddressProblem(given, net);
        if (problem != null) {
            problems.at(given.node(), "underlay.hostIp", problem);
            return null;
        }
        return given;
    }

    /** Why {@code ip} cannot be a host's address on the underlay, or null. */
    private static String hostAddressProblem(Val<Ip4> ip, Ip4Net underlay) {
        String text = Describe.quote(text(ip));
        String range = "use an address from " + underlay.network().plus(1) + " to " + underlay.last().plus(-1);
        if (!underlay.contains(ip.value())) {
            return text + " is outside underlay.cidr " + underlay;
        }
        if (ip.value().equals(underlay.network())) {
            return text + " is the network address of underlay.cidr " + underlay + "; " + range;
        }
        if (ip.value().equals(underlay.last())) {
            return text + " is the broadcast address of underlay.cidr " + underlay + "; " + range;
        }
        return null;
    }

    private static String text(Val<?> v) {
        return ((ScalarNode) v.node()).getValue();
    }

    private void overlaps(Val<Ip4Net> network, Val<Ip4Net> underlay, Val<Boolean> nat) {
        if (network != null && underlay != null && network.value().overlaps(underlay.value())) {
            if (network.given()) {
                problems.at(network.node(), "network.cidr", network.value() + " overlaps underlay.cidr " + underlay.value()
                        + "; the overlay and the underlay must be separate networks");
            } else {
                problems.at(underlay.node(), "underlay.cidr", underlay.value() + " overlaps network.cidr " + network.value()
                        + " (the default); the overlay and the underlay must be separate networks");
            }
        }
        if (nat == null || !nat.value()) {
            return;
        }
        Ip4Net natNet = SpecDefaults.NAT_NETWORK;
        for (var entry : List.of(Map.entry("network.cidr", network == null ? new Val<Ip4Net>(null, null) : network),
                Map.entry("underlay.cidr", underlay == null ? new Val<Ip4Net>(null, null) : underlay))) {
            Val<Ip4Net> v = entry.getValue();
            if (v.value() != null && v.given() && v.value().overlaps(natNet)) {
                problems.at(v.node(), entry.getKey(), v.value() + " overlaps " + natNet + ", the NAT network of every node's eth0"
                        + " (underlay.nat: true); pick another range or set underlay.nat: false");
            }
        }
    }

    private void external(Section etcd, Val<List<Val<URI>>> endpoints, Val<Path> caFile, Val<Path> certFile, Val<Path> keyFile) {
        if (endpoints != null) {
            if (!endpoints.given()) {
                problems.at(etcd.map().node(), "etcd.endpoints", "required with mode: external; list etcd's client URLs,"
                        + " such as endpoints: [http://192.168.56.1:2379]");
            } else if (endpoints.value().isEmpty()) {
                problems.at(endpoints.node(), "etcd.endpoints",
                        "the list is empty; mode: external needs at least one etcd client URL");
            } else if (caFile != null && !caFile.given()) {
                endpoints.value().stream().filter(e -> e.value().getScheme().equals("https")).findFirst().ifPresent(e ->
                        problems.at(e.node(), "etcd.endpoints[" + endpoints.value().indexOf(e) + "]", "an https endpoint needs"
                                + " etcd.caFile, the CA certificate that signed etcd's server certificate"));
            }
        }
        if (certFile != null && keyFile != null && certFile.given() != keyFile.given()) {
            Val<Path> given = certFile.given() ? certFile : keyFile;
            String has = certFile.given() ? "certFile" : "keyFile";
            String lacks = certFile.given() ? "keyFile" : "certFile";
            problems.at(given.node(), "etcd." + has, has + " needs " + lacks + " too: a client certificate and its key go together");
        }
    }

    /** The top-level ssh: values, each a default for the nodes' own ssh: (null when it was wrong). */
    private record SshDefaults(Val<String> user, Val<Integer> port, Val<Path> identityFile, Val<Path> knownHosts) {
    }

    /** A section that only provider ssh uses: given with another provider it is an error (and read as absent). */
    private Section onlyForSsh(SpecMap map, String key, List<String> keys, Provider effective) {
        Node n = map.value(key);
        if (n != null && effective != null && effective != Provider.SSH) {
            problems.at(n, map.path(key), key + " is only for provider: ssh; with provider: " + effective.name().toLowerCase(Locale.ROOT)
                    + " vxlab " + (effective == Provider.NETNS ? "builds the nodes and their sshd itself" : "asks Vagrant how to reach each machine")
                    + " and would ignore it");
            return Section.WRONG;
        }
        return section(map, key, keys);
    }

    /** A node's ssh: merged over the top-level defaults; null when anything is wrong (and recorded). */
    private LabSpec.Ssh nodeSsh(SpecMap node, String path, Ip4 ip, Provider effective, SshDefaults defaults) {
        Section own = onlyForSsh(node, "ssh", NODE_SSH_KEYS, effective);
        if (effective != Provider.SSH || !own.ok()) {
            return null;
        }
        Val<String> host = field(own, "host", ip == null ? null : ip.toString(), this::host);
        Val<Integer> port = field(own, "port", defaults.port() == null ? null : defaults.port().value(), this::sshPort);
        Val<String> user = field(own, "user", defaults.user() == null ? null : defaults.user().value(), this::user);
        Val<Path> identity = field(own, "identityFile", defaults.identityFile() == null ? null : defaults.identityFile().value(),
                this::existingFile);
        if (identity != null && identity.value() == null && defaults.identityFile() != null) {
            problems.at(own.map() == null ? node.node() : own.map().node(), path + ".ssh.identityFile",
                    "no private key for this node: give ssh: {identityFile: ...} at the top of the spec or in the node");
            return null;
        }
        if (host == null || host.value() == null || port == null || port.value() == null || user == null || user.value() == null
                || identity == null || defaults.knownHosts() == null || defaults.knownHosts().value() == null) {
            return null;
        }
        return new LabSpec.Ssh(host.value(), port.value(), user.value(), identity.value(), defaults.knownHosts().value());
    }

    private List<LabSpec.Node> nodes(SpecMap top, Val<Ip4Net> underlay, Val<Ip4> hostIp, Provider effective, SshDefaults sshDefaults) {
        Val<SequenceNode> list = required(top, "nodes", "list the lab's nodes, such as nodes: [" + NODE_EXAMPLE + "]", (n, p) -> {
            if (n instanceof SequenceNode seq) {
                return seq;
            }
            problems.at(n, p, "expected a list of nodes such as [" + NODE_EXAMPLE + "], got " + Describe.node(n));
            return null;
        });
        if (list == null) {
            return null;
        }
        List<Node> items = list.value().getValue();
        if (items.size() < SpecDefaults.MIN_NODES) {
            problems.at(list.node(), "nodes", "the list is empty; a lab needs at least " + SpecDefaults.MIN_NODES + " node, such as "
                    + NODE_EXAMPLE);
        } else if (items.size() > SpecDefaults.MAX_NODES) {
            problems.at(list.node(), "nodes", items.size() + " nodes are listed; a lab holds at most " + SpecDefaults.MAX_NODES);
        }
        List<LabSpec.Node> nodes = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<Ip4, Integer> ips = new HashMap<>();
        List<String> nameOf = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "nodes[" + i + "]";
            Node item = items.get(i);
            nameOf.add(null);
            if (!(item instanceof MappingNode m)) {
                problems.at(item, path, "expected a node such as " + NODE_EXAMPLE + ", got " + Describe.node(item));
                continue;
            }
            SpecMap node = SpecMap.check(m, path, NODE_KEYS, problems);
            Val<String> name = required(node, "name", "give each node a name such as kube1", (n, p) -> name(n, p, "node"));
            Val<Ip4> ip = required(node, "ip", "give each node an address inside underlay.cidr"
                    + (underlay == null ? "" : " " + underlay.value()), this::ip);
            if (name != null) {
                Integer earlier = names.putIfAbsent(name.value(), i);
                if (earlier != null) {
                    problems.at(name.node(), path + ".name", Describe.quote(name.value()) + " is already the name of nodes[" + earlier
                            + "]; node names must be unique");
                    name = null;
                } else {
                    nameOf.set(i, name.value());
                }
            }
            if (ip != null && underlay != null) {
                String problem = hostAddressProblem(ip, underlay.value());
                if (problem == null && hostIp != null && ip.value().equals(hostIp.value())) {
                    problem = Describe.quote(text(ip)) + " is underlay.hostIp, the host's own address on the underlay"
                            + (hostIp.given() ? "" : " (the default)") + "; give the node another address";
                }
                if (problem == null) {
                    Integer earlier = ips.putIfAbsent(ip.value(), i);
                    if (earlier != null) {
                        problem = Describe.quote(text(ip)) + " is already the address of nodes[" + earlier + "]"
                                + (nameOf.get(earlier) == null ? "" : " (" + nameOf.get(earlier) + ")")
                                + "; node addresses must be unique";
                    }
                }
                if (problem != null) {
                    problems.at(ip.node(), path + ".ip", problem);
                    ip = null;
                }
            }
            LabSpec.Ssh ssh = nodeSsh(node, path, ip == null ? null : ip.value(), effective, sshDefaults);
            if (name != null && ip != null) {
                nodes.add(new LabSpec.Node(name.value(), ip.value(), ssh));
            }
        }
        return List.copyOf(nodes);
    }
}
