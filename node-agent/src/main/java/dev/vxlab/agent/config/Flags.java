package dev.vxlab.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent's flags as a plain table, parsed without picocli. A start parses them once per layer (command line,
 * FLANNELD_* variables, sysconfig file), and picocli's first model of {@link AgentOptions} costs 85–100 ms of CPU in a
 * fresh JVM — the annotations' proxies and the model — of the ~250 ms a start costs (BENCHMARKS.md, issue 13); this
 * table costs nothing to build. picocli keeps {@code --help} and {@code --version}, from the annotations on
 * {@link AgentOptions}, which stay the one description of each flag: FlagsTest checks this table against them (names,
 * field, kind), so that a flag added there and not here fails the build.
 *
 * <p>The parse is picocli's as ConfigLoader used it (overwritten options allowed): {@code --name=value} or
 * {@code --name value}; a repeated flag's last value wins, a list flag ({@code --iface}, {@code --iface-regex}) adds
 * each; a boolean flag alone is true and takes {@code =true|false} or a following {@code true|false}; {@code -v 2},
 * {@code -v=2} and {@code -v2} set the verbosity. A problem is an {@link IllegalArgumentException} in picocli's words.
 */
final class Flags {
    enum Kind { TEXT, LIST, BOOL, INT }

    /** {@code name}: the longest name, as picocli's {@code longestName()}; {@code field}: the AgentOptions field. */
    record Flag(String name, String field, Kind kind) {
        /** The FLANNELD_* variable that sets it (--iface-regex: FLANNELD_IFACE_REGEX). */
        String envKey() {
            return "FLANNELD_" + name.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    /** In AgentOptions' order (the order FLANNELD_* variables are read in). */
    static final List<Flag> ALL = List.of(
            new Flag("--env-file", "envFile", Kind.TEXT),
            new Flag("--etcd-endpoints", "etcdEndpoints", Kind.TEXT),
            new Flag("--etcd-prefix", "etcdPrefix", Kind.TEXT),
            new Flag("--etcd-cafile", "etcdCaFile", Kind.TEXT),
            new Flag("--etcd-certfile", "etcdCertFile", Kind.TEXT),
            new Flag("--etcd-keyfile", "etcdKeyFile", Kind.TEXT),
            new Flag("--etcd-username", "etcdUsername", Kind.TEXT),
            new Flag("--etcd-password", "etcdPassword", Kind.TEXT),
            new Flag("--iface", "iface", Kind.LIST),
            new Flag("--iface-regex", "ifaceRegex", Kind.LIST),
            new Flag("--iface-can-reach", "ifaceCanReach", Kind.TEXT),
            new Flag("--public-ip", "publicIp", Kind.TEXT),
            new Flag("--subnet-file", "subnetFile", Kind.TEXT),
            new Flag("--docker-opts-file", "dockerOptsFile", Kind.TEXT),
            new Flag("--ip-masq", "ipMasq", Kind.BOOL),
            new Flag("--subnet-lease-ttl", "subnetLeaseTtl", Kind.TEXT),
            new Flag("--subnet-lease-renew-margin", "subnetLeaseRenewMargin", Kind.TEXT),
            new Flag("--healthz-ip", "healthzIp", Kind.TEXT),
            new Flag("--healthz-port", "healthzPort", Kind.INT),
            new Flag("--node-name", "nodeName", Kind.TEXT),
            new Flag("--node-id-file", "nodeIdFile", Kind.TEXT),
            new Flag("--explain", "explain", Kind.BOOL),
            new Flag("--v", "verbosity", Kind.INT));

    private Flags() {
    }

    /** The flag called {@code name} ({@code -v} is {@code --v}'s other name), or null. */
    static Flag find(String name) {
        String n = name.equals("-v") ? "--v" : name;
        for (Flag f : ALL) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        return null;
    }

    /** Sets into {@code into} what {@code tokens} say (already with {@code --} for Go's single-dash long flags). */
    static void parse(List<String> tokens, AgentOptions into) {
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("-") || token.equals("-") || token.equals("--")) {
                throw new IllegalArgumentException("Unmatched argument at index " + i + ": '" + token + "'");
            }
            int eq = token.indexOf('=');
            String name = eq > 0 ? token.substring(0, eq) : token;
            String value = eq > 0 ? token.substring(eq + 1) : null;
            Flag flag = find(name);
            if (flag == null && token.startsWith("-v") && !token.startsWith("--") && eq < 0 && token.length() > 2) {
                flag = find("-v"); // -v2
                value = token.substring(2);
            }
            if (flag == null) {
                throw new IllegalArgumentException("Unknown option: '" + token + "'");
            }
            if (value == null) {
                if (flag.kind() == Kind.BOOL) {
                    boolean next = i + 1 < tokens.size() && isBoolean(tokens.get(i + 1));
                    value = next ? tokens.get(++i) : "true";
                } else if (i + 1 < tokens.size()) {
                    value = tokens.get(++i);
                } else {
                    throw new IllegalArgumentException("Missing required parameter for option '" + flag.name() + "'");
                }
            }
            set(into, flag, convert(flag, value));
        }
    }

    private static boolean isBoolean(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    private static Object convert(Flag flag, String value) {
        switch (flag.kind()) {
            case BOOL:
                if (!isBoolean(value)) {
                    throw new IllegalArgumentException("Invalid value for option '" + flag.name() + "': '" + value + "' is not a boolean");
                }
                return Boolean.valueOf(value.toLowerCase(Locale.ROOT));
            case INT:
                try {
                    return Integer.valueOf(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid value for option '" + flag.name() + "': '" + value + "' is not an int");
                }
            default:
                return value;
        }
    }

    /** Sets {@code flag} to {@code value} (a list flag: adds it; null: clears). */
    @SuppressWarnings("unchecked")
    static void set(AgentOptions o, Flag flag, Object value) {
        if (flag.kind() == Kind.LIST && value instanceof String s) {
            List<String> list = (List<String>) get(o, flag);
            List<String> grown = list == null ? new ArrayList<>() : new ArrayList<>(list);
            grown.add(s);
            value = grown;
        }
        switch (flag.field()) {
            case "envFile" -> o.envFile = (String) value;
            case "etcdEndpoints" -> o.etcdEndpoints = (String) value;
            case "etcdPrefix" -> o.etcdPrefix = (String) value;
            case "etcdCaFile" -> o.etcdCaFile = (String) value;
            case "etcdCertFile" -> o.etcdCertFile = (String) value;
            case "etcdKeyFile" -> o.etcdKeyFile = (String) value;
            case "etcdUsername" -> o.etcdUsername = (String) value;
            case "etcdPassword" -> o.etcdPassword = (String) value;
            case "iface" -> o.iface = (List<String>) value;
            case "ifaceRegex" -> o.ifaceRegex = (List<String>) value;
            case "ifaceCanReach" -> o.ifaceCanReach = (String) value;
            case "publicIp" -> o.publicIp = (String) value;
            case "subnetFile" -> o.subnetFile = (String) value;
            case "dockerOptsFile" -> o.dockerOptsFile = (String) value;
            case "ipMasq" -> o.ipMasq = (Boolean) value;
            case "subnetLeaseTtl" -> o.subnetLeaseTtl = (String) value;
            case "subnetLeaseRenewMargin" -> o.subnetLeaseRenewMargin = (String) value;
            case "healthzIp" -> o.healthzIp = (String) value;
            case "healthzPort" -> o.healthzPort = (Integer) value;
            case "nodeName" -> o.nodeName = (String) value;
            case "nodeIdFile" -> o.nodeIdFile = (String) value;
            case "explain" -> o.explain = (Boolean) value;
            case "verbosity" -> o.verbosity = (Integer) value;
            default -> throw new IllegalStateException("no field " + flag.field());
        }
    }

    /** The value {@code flag} has in {@code o} (null: not set). */
    static Object get(AgentOptions o, Flag flag) {
        return switch (flag.field()) {
            case "envFile" -> o.envFile;
            case "etcdEndpoints" -> o.etcdEndpoints;
            case "etcdPrefix" -> o.etcdPrefix;
            case "etcdCaFile" -> o.etcdCaFile;
            case "etcdCertFile" -> o.etcdCertFile;
            case "etcdKeyFile" -> o.etcdKeyFile;
            case "etcdUsername" -> o.etcdUsername;
            case "etcdPassword" -> o.etcdPassword;
            case "iface" -> o.iface;
            case "ifaceRegex" -> o.ifaceRegex;
            case "ifaceCanReach" -> o.ifaceCanReach;
            case "publicIp" -> o.publicIp;
            case "subnetFile" -> o.subnetFile;
            case "dockerOptsFile" -> o.dockerOptsFile;
            case "ipMasq" -> o.ipMasq;
            case "subnetLeaseTtl" -> o.subnetLeaseTtl;
            case "subnetLeaseRenewMargin" -> o.subnetLeaseRenewMargin;
            case "healthzIp" -> o.healthzIp;
            case "healthzPort" -> o.healthzPort;
            case "nodeName" -> o.nodeName;
            case "nodeIdFile" -> o.nodeIdFile;
            case "explain" -> o.explain;
            case "verbosity" -> o.verbosity;
            default -> throw new IllegalStateException("no field " + flag.field());
        };
    }
}
