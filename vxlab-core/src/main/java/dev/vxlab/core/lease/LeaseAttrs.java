package dev.vxlab.core.lease;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.json.JsonException;
import dev.vxlab.core.net.Ip4;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a lease key, flanneld v0.20's JSON plus vxlab's own "Vxlab" member naming the node that holds
 * it. flanneld ignores members it does not know, so a vxlab lease is readable by a flanneld peer and a
 * flanneld lease by vxlabd (its {@link #node()} is then null).
 *
 * <pre>{"PublicIP":"10.99.0.2","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0e:b5:dc:fa:0c:9a"},
 *  "Vxlab":{"NodeName":"kube1","Interface":"eth1","NodeID":"5f0c…"}}</pre>
 *
 * <p>Which lease is this node's ({@link #sameNode}) is decided here and nowhere else. Neither a name nor an
 * address is enough on its own: machines cloned from one image share a hostname (every one of them would
 * take the first one's lease: one subnet for all, the failure vxlab exists to prevent), and under Vagrant they
 * share the NAT address 10.0.2.15 (flannel's identity, which fails the same way). So each machine also carries
 * a random node ID made on its first start and kept on its disk ({@code --node-id-file}): a lease is this
 * node's when it carries this node's ID and its name or its address — the name covers an address that
 * changed, the address a node renamed, and asking for one of the two keeps apart agents that were given one
 * ID file by mistake (namespaces of one host). A lease written before node IDs existed is this node's when
 * both its name and its address are.
 */
public record LeaseAttrs(Ip4 publicIp, String publicIpv6, String backendType, Map<String, Object> backendData,
                         NodeIdentity node) {

    /**
     * Who holds a lease: the node's name, the interface its PublicIP came from, and the node ID of its machine
     * (null in leases written before vxlab had node IDs).
     */
    public record NodeIdentity(String name, String iface, String id) {
        public NodeIdentity(String name, String iface) {
            this(name, iface, null);
        }
    }

    public static LeaseAttrs vxlan(Ip4 publicIp, int vni, String vtepMac, NodeIdentity node) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("VNI", (long) vni);
        data.put("VtepMAC", vtepMac);
        return new LeaseAttrs(publicIp, null, BackendType.VXLAN.wireName(), data, node);
    }

    public static LeaseAttrs hostGw(Ip4 publicIp, NodeIdentity node) {
        return new LeaseAttrs(publicIp, null, BackendType.HOST_GW.wireName(), null, node);
    }

    /** Whether the lease's BackendType is {@code type} (a lease may carry a type vxlabd does not know). */
    public boolean backendIs(BackendType type) {
        return type.wireName().equals(backendType);
    }

    public String vtepMac() {
        Object mac = backendData == null ? null : backendData.get("VtepMAC");
        return mac instanceof String s ? s : null;
    }

    public Integer vni() {
        Object vni = backendData == null ? null : backendData.get("VNI");
        return vni instanceof Long l ? l.intValue() : null;
    }

    /**
     * Whether this lease carries the node name {@code nodeName} (a flanneld lease carries none). Names may
     * repeat across machines: whether a lease is this agent's own is {@link #sameNode}'s question.
     */
    public boolean heldBy(String nodeName) {
        return node != null && node.name().equals(nodeName);
    }

    /**
     * Whether this lease was written by the node that {@code me} (this agent's own attributes) describes: the
     * same node ID and the same name or address; for a lease without a node ID, the same name and address.
     * A flanneld lease is never this node's.
     */
    public boolean sameNode(LeaseAttrs me) {
        if (node == null || me.node == null) {
            return false;
        }
        boolean sameName = node.name().equals(me.node.name());
        boolean sameIp = publicIp.equals(me.publicIp);
        if (node.id() == null || me.node.id() == null) {
            return sameName && sameIp;
        }
        return node.id().equals(me.node.id()) && (sameName || sameIp);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PublicIP", publicIp.toString());
        m.put("PublicIPv6", publicIpv6);
        m.put("BackendType", backendType);
        m.put("BackendData", backendData);
        if (node != null) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("NodeName", node.name());
            if (node.iface() != null) {
                n.put("Interface", node.iface());
            }
            if (node.id() != null) {
                n.put("NodeID", node.id());
            }
            m.put("Vxlab", n);
        }
        return Json.write(m);
    }

    @SuppressWarnings("unchecked")
    public static LeaseAttrs fromJson(String json) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(json);
        } catch (JsonException e) {
            throw new IllegalArgumentException("lease value is not JSON: " + e.getMessage());
        }
        Object ip = m.get("PublicIP");
        if (!(ip instanceof String s) || !Ip4.isValid(s)) {
            throw new IllegalArgumentException("lease value has no valid PublicIP: " + json);
        }
        Object v6 = m.get("PublicIPv6");
        Object type = m.get("BackendType");
        Object data = m.get("BackendData");
        NodeIdentity node = null;
        if (m.get("Vxlab") instanceof Map<?, ?> vx && vx.get("NodeName") instanceof String name) {
            node = new NodeIdentity(name, vx.get("Interface") instanceof String i ? i : null,
                    vx.get("NodeID") instanceof String id ? id : null);
        }
        return new LeaseAttrs(Ip4.parse(s), v6 instanceof String v ? v : null,
                type instanceof String t ? t : "", data instanceof Map<?, ?> d ? (Map<String, Object>) d : null, node);
    }
}
