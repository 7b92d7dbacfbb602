package dev.vxlab.agent.lease;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.json.JsonException;
import dev.vxlab.core.lease.BackendType;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * flannel's network config ({@code <prefix>/config}) with flannel's defaults and rules applied:
 * SubnetLen 24 for a /22 or wider network, else prefix+2, at most 30 and at least prefix+2; SubnetMin the
 * second subnet, SubnetMax the last, both on a SubnetLen boundary inside the network; backend vxlan (VNI 1,
 * port 8472) or host-gw. flannel falls back to the "udp" backend when Backend is absent; vxlab defaults to
 * vxlan and says so through {@link #backendDefaulted()}.
 */
public record NetworkConfig(Ip4Net network, int subnetLen, Ip4 subnetMin, Ip4 subnetMax, Backend backend,
                            boolean backendDefaulted) {

    /** The Backend.Type names vxlabd knows ({@link BackendType}). */
    public static final Set<String> BACKENDS = BackendType.names();
    public static final int DEFAULT_VXLAN_PORT = 8472;

    /** The Backend section; vni and port only mean something for vxlan. */
    public record Backend(BackendType type, int vni, int port, boolean directRouting) {
    }

    /** Parses and validates the JSON stored at {@code key}; every problem is reported at once. */
    public static NetworkConfig parse(String key, String json) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (JsonException e) {
            throw new NetworkConfigException(key, List.of("not valid JSON (" + e.getMessage() + ")"));
        }
        List<String> problems = new ArrayList<>();

        Ip4Net network = null;
        Object net = root.get("Network");
        if (net == null) {
            problems.add("Network is required (a CIDR such as \"10.244.0.0/16\")");
        } else if (!(net instanceof String s)) {
            problems.add("Network must be a CIDR string, got " + Json.describe(net));
        } else {
            try {
                network = Ip4Net.parseLoose(s).canonical();
                if (network.prefixLen() > 28) {
                    problems.add("Network " + network + " is too small; it must hold at least four subnets of /30 or wider");
                    network = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add("Network: " + e.getMessage());
            }
        }

        Integer subnetLen = intField(root, "SubnetLen", "SubnetLen", problems);
        int len = 0;
        if (network != null) {
            len = subnetLen != null && subnetLen != 0 ? subnetLen : (network.prefixLen() <= 22 ? 24 : network.prefixLen() + 2);
            if (len > 30) {
                problems.add("SubnetLen " + len + " is too long; it must be at most 30");
            } else if (len < network.prefixLen() + 2) {
                problems.add("SubnetLen " + len + " must be at least Network's prefix + 2 (/" + (network.prefixLen() + 2)
                        + ") so that the network holds at least four subnets");
            }
        }
        boolean lenOk = network != null && len <= 30 && len >= network.prefixLen() + 2;

        Ip4 min = null;
        Ip4 max = null;
        if (lenOk) {
            long subnetSize = 1L << (32 - len);
            min = boundField(root, "SubnetMin", network, len, network.network().plus(subnetSize), problems);
            max = boundField(root, "SubnetMax", network, len, network.network().plus(network.size() - subnetSize), problems);
            if (min != null && max != null && min.compareTo(max) > 0) {
                problems.add("SubnetMin " + min + " is above SubnetMax " + max);
            }
        }

        Backend backend = null;
        boolean defaulted = false;
        Object b = root.get("Backend");
        if (b == null) {
            defaulted = true;
            backend = new Backend(BackendType.VXLAN, 1, DEFAULT_VXLAN_PORT, false);
        } else if (!(b instanceof Map<?, ?>)) {
            problems.add("Backend must be an object such as {\"Type\":\"vxlan\"}, got " + Json.describe(b));
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> bm = (Map<String, Object>) b;
            Object typeValue = bm.get("Type");
            BackendType type = typeValue == null ? BackendType.VXLAN : BackendType.byName(String.valueOf(typeValue)).orElse(null);
            if (!(typeValue == null || typeValue instanceof String)) {
                problems.add("Backend.Type must be a string, got " + Json.describe(typeValue));
            } else if (type == null) {
                problems.add("Backend.Type \"" + typeValue + "\" is not supported; supported backends are "
                        + BACKENDS.stream().sorted().toList());
            }
            Integer vni = intField(bm, "VNI", "Backend.VNI", problems);
            if (vni != null && (vni < 0 || vni > 0xFFFFFF)) {
                problems.add("Backend.VNI " + vni + " is out of range; a VXLAN network identifier is 0..16777215");
            }
            Integer port = intField(bm, "Port", "Backend.Port", problems);
            if (port != null && (port < 0 || port > 65535)) {
                problems.add("Backend.Port " + port + " is not a UDP port (1..65535, 0 for the default 8472)");
            }
            Object dr = bm.get("DirectRouting");
            if (dr != null && !(dr instanceof Boolean)) {
                problems.add("Backend.DirectRouting must be true or false, got " + Json.describe(dr));
            }
            backend = new Backend(type, vni == null || vni == 0 ? 1 : vni,
                    port == null || port == 0 ? DEFAULT_VXLAN_PORT : port, Boolean.TRUE.equals(dr));
        }

        if (!problems.isEmpty()) {
            throw new NetworkConfigException(key, problems);
        }
        return new NetworkConfig(network, len, min, max, backend, defaulted);
    }

    private static Integer intField(Map<String, Object> map, String name, String label, List<String> problems) {
        Object v = map.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (v instanceof Long l) {
            problems.add(label + " " + l + " is out of range");
            return null;
        }
        problems.add(label + " must be a whole number, got " + Json.describe(v));
        return null;
    }

    private static Ip4 boundField(Map<String, Object> root, String name, Ip4Net network, int len, Ip4 dflt, List<String> problems) {
        Object v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s) || !Ip4.isValid(s)) {
            problems.add(name + " must be an IPv4 address string, got " + Json.describe(v));
            return null;
        }
        Ip4 ip = Ip4.parse(s);
        if (!network.contains(ip)) {
            problems.add(name + " " + ip + " is outside Network " + network);
            return null;
        }
        if ((ip.bits() & ~Ip4Net.mask(len)) != 0) {
            problems.add(name + " " + ip + " is not on a /" + len + " subnet boundary (SubnetLen); the subnet there starts at "
                    + new Ip4(ip.bits() & Ip4Net.mask(len)));
            return null;
        }
        return ip;
    }

    /** Number of subnets in [SubnetMin, SubnetMax]. */
    public long subnetCount() {
        return ((subnetMax.unsigned() - subnetMin.unsigned()) >> (32 - subnetLen)) + 1;
    }

    /** Whether {@code subnet} is a lease this config could hand out. */
    public boolean inRange(Ip4Net subnet) {
        return subnet.prefixLen() == subnetLen && subnet.ip().equals(subnet.network())
                && subnet.ip().compareTo(subnetMin) >= 0 && subnet.ip().compareTo(subnetMax) <= 0;
    }
}
