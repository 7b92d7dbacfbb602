package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;

/**
 * This node's lease was rewritten by another agent that carries this node's whole identity (node ID, and
 * name or address): two vxlabd on one machine, or a machine cloned together with its node ID file. Taking
 * the lease back would start the two taking it from each other every few seconds, with one subnet for two
 * machines; this agent refuses instead, and says how to give the clone an identity of its own.
 */
public class NodeIdentityConflictException extends AgentException {

    public NodeIdentityConflictException(Lease rewritten, LeaseAttrs me) {
        super("refusing to go on: lease " + rewritten.subnet() + " of this node (" + me.node().name() + ", node ID "
                        + me.node().id() + ") was rewritten by another agent with the same node ID, now advertising "
                        + rewritten.attrs().publicIp() + from(rewritten.attrs()) + " (this node: " + me.publicIp() + from(me)
                        + "). Either a second vxlabd runs on this machine, or another machine was cloned together with this"
                        + " one's node ID file; either way two agents would take one subnet from each other in turn.",
                "stop the other vxlabd; on a cloned machine delete its node ID file (--node-id-file, default "
                        + NodeIds.DEFAULT_FILE + ") and restart vxlabd there: it makes a new node ID and leases a subnet of its own");
    }

    private static String from(LeaseAttrs a) {
        return a.node() != null && a.node().iface() != null ? " from " + a.node().iface() : "";
    }
}
