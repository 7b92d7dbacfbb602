package dev.vxlab.agent.config;

import dev.vxlab.agent.lease.NodeIds;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.text.GoDuration;
import dev.vxlab.core.text.ShellWords;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;

/**
 * Builds the agent's configuration from three layers, as flanneld on a Fedora-style host sees them:
 * command-line flags, then FLANNELD_* environment variables, then the sysconfig file
 * (FLANNEL_ETCD_ENDPOINTS, FLANNEL_ETCD_PREFIX, FLANNEL_OPTIONS, ...). Each layer is parsed with the same
 * flag table ({@link Flags}, not picocli: a start cannot afford its model) into an {@link AgentOptions}; a field
 * set in a higher layer wins whole (a repeated --iface on the command line replaces the file's list rather than
 * appending to it). Pure: the environment, the file reader and the hostname are passed in.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_ENV_FILE = Path.of("/etc/sysconfig/flanneld");
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
    public static final String DEFAULT_PREFIX = "/coreos.com/network";
    public static final Path DEFAULT_SUBNET_FILE = Path.of("/run/flannel/subnet.env");
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_RENEW_MARGIN = Duration.ofMinutes(60);
    static final Duration MIN_TTL = Duration.ofSeconds(5);

    private final Map<String, String> env;
    private final Function<Path, Optional<String>> readFile;
    private final Supplier<String> hostname;

    public ConfigLoader(Map<String, String> env, Function<Path, Optional<String>> readFile, Supplier<String> hostname) {
        this.env = env;
        this.readFile = readFile;
        this.hostname = hostname;
    }

    /** Where each option's value came from, for error messages ("--iface (from FLANNELD_IFACE)"). */
    private final Map<String, String> origins = new HashMap<>();

    public AgentConfig load(List<String> args) {
        origins.clear();
        AgentOptions flags = parseLayer(args, "the command line");
        AgentOptions fromEnv = parseLayer(envTokens(), "the environment (FLANNELD_*)");

        Path envFile = null;
        String explicitFile = flags.envFile != null ? flags.envFile : fromEnv.envFile;
        SysconfigFile file = null;
        if (explicitFile != null) {
            envFile = Path.of(explicitFile);
            String text = readFile.apply(envFile).orElseThrow(() -> new ConfigException(
                    "env file " + explicitFile + " does not exist", "check --env-file or FLANNELD_ENV_FILE"));
            file = SysconfigFile.parse(envFile, text);
        } else {
            Optional<String> text = readFile.apply(DEFAULT_ENV_FILE);
            if (text.isPresent()) {
                envFile = DEFAULT_ENV_FILE;
                file = SysconfigFile.parse(envFile, text.get());
            }
        }
        AgentOptions fromFile = file == null ? new AgentOptions() : parseLayer(fileTokens(file), file.path().toString());

        AgentOptions merged = new AgentOptions();
        merge(merged, fromFile, file == null ? "" : file.path().toString());
        merge(merged, fromEnv, "the environment");
        merge(merged, flags, "the command line");
        return resolve(merged, envFile);
    }

    // ---- layers ----

    static AgentOptions parseLayer(List<String> tokens, String source) {
        AgentOptions options = new AgentOptions();
        List<String> normalized = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            normalized.add(normalizeDash(t));
        }
        try {
            // as Go's flag package: the last of a repeated flag wins
            Flags.parse(normalized, options);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid option in " + source + ": " + e.getMessage(), "run vxlabd --help for the list of flags");
        }
        return options;
    }

    /** flanneld's Go flags accept -iface=eth1 as well as --iface=eth1. */
    static String normalizeDash(String token) {
        if (token.startsWith("-") && !token.startsWith("--") && token.length() > 2 && Character.isLetter(token.charAt(1))) {
            return "-" + token;
        }
        return token;
    }

    private List<String> envTokens() {
        List<String> tokens = new ArrayList<>();
        for (Flags.Flag flag : Flags.ALL) {
            String value = env.get(flag.envKey());
            if (value != null && !value.isEmpty()) {
                addTokens(tokens, flag.name(), value);
            }
        }
        return tokens;
    }

    private static List<String> fileTokens(SysconfigFile file) {
        Map<String, String> v = file.values();
        List<String> tokens = new ArrayList<>();
        String endpoints = v.getOrDefault("FLANNEL_ETCD_ENDPOINTS", v.get("FLANNEL_ETCD"));
        if (endpoints != null && !endpoints.isEmpty()) {
            tokens.add("--etcd-endpoints=" + endpoints);
        }
        String prefix = v.getOrDefault("FLANNEL_ETCD_PREFIX", v.get("FLANNEL_ETCD_KEY"));
        if (prefix != null && !prefix.isEmpty()) {
            tokens.add("--etcd-prefix=" + prefix);
        }
        // FLANNELD_* lines in the file count at the file's precedence (systemd would export them).
        for (Flags.Flag flag : Flags.ALL) {
            String value = v.get(flag.envKey());
            if (value != null && !value.isEmpty()) {
                addTokens(tokens, flag.name(), value);
            }
        }
        String options = v.get("FLANNEL_OPTIONS");
        if (options != null) {
            try {
                tokens.addAll(ShellWords.split(options));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file.where("FLANNEL_OPTIONS") + ": " + e.getMessage());
            }
        }
        return tokens;
    }

    private static void addTokens(List<String> tokens, String name, String value) {
        if (name.equals("--iface")) {
            // One variable, several interfaces: FLANNELD_IFACE=eth1,enp0s8 (names and addresses hold no comma).
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    tokens.add(name + "=" + part.trim());
                }
            }
        } else {
            tokens.add(name + "=" + value);
        }
    }

    private void merge(AgentOptions into, AgentOptions layer, String source) {
        for (Flags.Flag flag : Flags.ALL) {
            Object value = Flags.get(layer, flag);
            if (value != null) {
                Flags.set(into, flag, value);
                origins.put(flag.field(), source);
            }
        }
    }

    // ---- resolution ----

    private AgentConfig resolve(AgentOptions o, Path envFile) {
        List<String> errors = new ArrayList<>();

        List<URI> endpoints = new ArrayList<>();
        String endpointText = o.etcdEndpoints != null ? o.etcdEndpoints : DEFAULT_ENDPOINT;
        for (String part : endpointText.split(",")) {
            String e = part.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (!e.contains("://")) {
                e = "http://" + e;
            }
            try {
                URI uri = new URI(e);
                if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https")) {
                    errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": \"" + part.trim() + "\" must use http:// or https://");
                } else if (uri.getHost() == null || uri.getPort() < 0) {
                    errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": \"" + part.trim() + "\" needs a host and a port, e.g. http://192.168.56.1:2379");
                } else {
                    endpoints.add(uri);
                }
            } catch (URISyntaxException ex) {
                errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": \"" + part.trim() + "\" is not a URL");
            }
        }
        if (endpoints.isEmpty() && errors.isEmpty()) {
            errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": no endpoint given");
        }

        String prefix = o.etcdPrefix != null ? o.etcdPrefix.trim() : DEFAULT_PREFIX;
        while (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.startsWith("/") || prefix.length() < 2) {
            errors.add(at("etcdPrefix", "--etcd-prefix") + ": \"" + o.etcdPrefix + "\" must be an absolute key such as /coreos.com/network");
        }

        AgentConfig.EtcdTls tls = new AgentConfig.EtcdTls(path(o.etcdCaFile), path(o.etcdCertFile), path(o.etcdKeyFile));
        if ((o.etcdCertFile == null) != (o.etcdKeyFile == null)) {
            errors.add("--etcd-certfile and --etcd-keyfile must be given together");
        }
        boolean anyHttps = endpoints.stream().anyMatch(u -> u.getScheme().equals("https"));
        if (tls.enabled() && endpoints.stream().anyMatch(u -> u.getScheme().equals("http"))) {
            errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": TLS files are given but an endpoint uses http://; write https:// endpoints");
        }
        if (anyHttps && o.etcdCaFile == null) {
            errors.add(at("etcdEndpoints", "--etcd-endpoints") + ": https:// endpoints need --etcd-cafile to verify the server");
        }

        List<Pattern> regexes = new ArrayList<>();
        for (String r : o.ifaceRegex == null ? List.<String>of() : o.ifaceRegex) {
            try {
                regexes.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                errors.add(at("ifaceRegex", "--iface-regex") + ": \"" + r + "\" is not a valid regular expression: " + e.getDescription());
            }
        }
        List<String> ifaces = o.iface == null ? List.of() : o.iface.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();

        Ip4 canReach = ip(o.ifaceCanReach, "ifaceCanReach", "--iface-can-reach", errors);
        Ip4 publicIp = ip(o.publicIp, "publicIp", "--public-ip", errors);

        Path subnetFile = o.subnetFile != null ? Path.of(o.subnetFile) : DEFAULT_SUBNET_FILE;
        Path nodeIdFile = Path.of(o.nodeIdFile != null ? o.nodeIdFile : NodeIds.DEFAULT_FILE);
        Path dockerOpts = o.dockerOptsFile != null ? Path.of(o.dockerOptsFile)
                : subnetFile.resolveSibling("docker_opts.env");

        Duration ttl = DEFAULT_TTL;
        if (o.subnetLeaseTtl != null) {
            try {
                ttl = GoDuration.parse(o.subnetLeaseTtl);
                if (ttl.compareTo(MIN_TTL) < 0) {
                    errors.add(at("subnetLeaseTtl", "--subnet-lease-ttl") + ": " + o.subnetLeaseTtl + " is too short; etcd needs at least 5s");
                }
            } catch (IllegalArgumentException e) {
                errors.add(at("subnetLeaseTtl", "--subnet-lease-ttl") + ": " + e.getMessage());
            }
        }
        Duration margin = DEFAULT_RENEW_MARGIN.compareTo(ttl.dividedBy(3)) < 0 ? DEFAULT_RENEW_MARGIN : ttl.dividedBy(3);
        if (o.subnetLeaseRenewMargin != null) {
            String m = o.subnetLeaseRenewMargin.trim();
            try {
                margin = m.chars().allMatch(Character::isDigit) ? Duration.ofMinutes(Long.parseLong(m)) : GoDuration.parse(m);
                if (margin.isZero() || margin.compareTo(ttl) >= 0) {
                    errors.add(at("subnetLeaseRenewMargin", "--subnet-lease-renew-margin") + ": " + GoDuration.format(margin)
                            + " must be more than 0 and less than the lease TTL (" + GoDuration.format(ttl) + ")");
                }
            } catch (IllegalArgumentException e) {
                errors.add(at("subnetLeaseRenewMargin", "--subnet-lease-renew-margin") + ": " + e.getMessage());
            } catch (ArithmeticException e) {
                errors.add(at("subnetLeaseRenewMargin", "--subnet-lease-renew-margin") + ": " + m + " is too long");
            }
        }

        int healthzPort = o.healthzPort == null ? 0 : o.healthzPort;
        if (healthzPort < 0 || healthzPort > 65535) {
            errors.add(at("healthzPort", "--healthz-port") + ": " + healthzPort + " is not a port (0..65535)");
        }
        String healthzIp = o.healthzIp != null ? o.healthzIp : "0.0.0.0";
        if (!Ip4.isValid(healthzIp)) {
            errors.add(at("healthzIp", "--healthz-ip") + ": \"" + healthzIp + "\" is not an IPv4 address");
        }

        String nodeName = o.nodeName != null ? o.nodeName.trim() : hostname.get();
        if (nodeName == null || nodeName.isEmpty()) {
            errors.add("--node-name: no node name given and the hostname is empty");
        } else if (!nodeName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}")) {
            errors.add(at("nodeName", "--node-name") + ": \"" + nodeName + "\" may hold only letters, digits, '.', '_' and '-'");
        }

        if (!errors.isEmpty()) {
            throw new ConfigException(errors.size() == 1 ? errors.get(0)
                    : "invalid configuration:\n  " + String.join("\n  ", errors), "run vxlabd --help for the flags and their formats");
        }
        return new AgentConfig(List.copyOf(endpoints), prefix, tls, o.etcdUsername, o.etcdPassword, ifaces,
                List.copyOf(regexes), canReach, publicIp, subnetFile, dockerOpts, Boolean.TRUE.equals(o.ipMasq), ttl, margin,
                healthzIp, healthzPort, nodeName, nodeIdFile, o.verbosity == null ? 0 : o.verbosity, envFile,
                Boolean.TRUE.equals(o.explain));
    }

    private String at(String field, String flag) {
        String origin = origins.get(field);
        return origin == null || origin.equals("the command line") ? flag : flag + " (from " + origin + ")";
    }

    private Ip4 ip(String text, String field, String flag, List<String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Ip4.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(at(field, flag) + ": " + e.getMessage());
            return null;
        }
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    /** Lists the option names, for tests and docs. */
    static List<String> optionNames() {
        return new CommandLine(new AgentOptions()).getCommandSpec().options().stream()
                .flatMap(s -> Arrays.stream(s.names())).toList();
    }
}
