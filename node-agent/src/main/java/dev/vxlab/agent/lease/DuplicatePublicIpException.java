package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.net.Ip4;
import java.util.List;

/**
 * Another node's live lease already advertises this node's public IP: the Vagrant trap, where every VM's NAT
 * interface eth0 is 10.0.2.15 and flanneld, picking the default-route interface, makes every node claim it.
 * flanneld then reuses the other node's lease ("Found lease ... for current IP, reusing") and nothing
 * routes. vxlabd refuses instead and says how to pick the right interface.
 */
public class DuplicatePublicIpException extends AgentException {
    private final Lease other;

    public DuplicatePublicIpException(Lease other, String nodeName, Ip4 publicIp, String iface, List<String> otherInterfaces) {
        super(message(other, nodeName, publicIp, iface, otherInterfaces), hint(otherInterfaces));
        this.other = other;
    }

    public Lease other() {
        return other;
    }

    private static String message(Lease other, String nodeName, Ip4 publicIp, String iface, List<String> otherInterfaces) {
        String theirIface = other.attrs().node() != null && other.attrs().node().iface() != null
                ? " (from its interface " + other.attrs().node().iface() + ")" : "";
        return "refusing to start: node " + other.holder() + " already advertises public IP " + publicIp + theirIface
                + " with subnet " + other.subnet() + ", and this node (" + nodeName + ") would advertise the same address, taken from"
                + " interface " + (iface == null ? "(--public-ip)" : iface) + ". Two nodes with one public IP cannot be told apart:"
                + " VXLAN packets for both would go to one machine and nothing routes. Under Vagrant every VM's NAT interface"
                + " eth0 has the address 10.0.2.15 and carries the default route, which is what an agent picks when it is not"
                + " told which interface to use. This host's other interfaces: "
                + (otherInterfaces.isEmpty() ? "(none)" : String.join(", ", otherInterfaces)) + "."
                + (other.attrs().heldBy(nodeName) ? sameName(other) : "");
    }

    /** The other lease carries this node's name too but another node ID: a machine cloned with one hostname, or this one. */
    private static String sameName(Lease other) {
        String id = other.attrs().node().id();
        return " That lease carries this node's name too, but " + (id == null ? "no node ID" : "node ID " + id)
                + ": another machine with the same hostname (cloned, or a box without a hostname of its own) - or this machine"
                + " itself before its node ID file (--node-id-file) was lost; only then delete that lease"
                + " (etcdctl del <prefix>/subnets/" + other.subnet().ip() + "-" + other.subnet().prefixLen()
                + ") or wait until it expires.";
    }

    private static String hint(List<String> otherInterfaces) {
        String example = otherInterfaces.isEmpty() ? "eth1" : otherInterfaces.get(0).split(" ")[0];
        return "choose the interface on the network the nodes share: --iface=" + example
                + " (a name or one of its addresses), or --iface-can-reach=<another node's address>;"
                + " in /etc/sysconfig/flanneld: FLANNEL_OPTIONS=\"--iface=" + example + "\"";
    }
}
