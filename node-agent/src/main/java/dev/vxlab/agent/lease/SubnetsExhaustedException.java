package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;

/** Every subnet in [SubnetMin, SubnetMax] is held. */
public class SubnetsExhaustedException extends AgentException {
    public SubnetsExhaustedException(NetworkConfig config, long total, long held) {
        super("no free subnet: all " + total + " /" + config.subnetLen() + " subnets between SubnetMin " + config.subnetMin()
                        + " and SubnetMax " + config.subnetMax() + " of " + config.network() + " are taken (" + held + " leases held)",
                "remove leases of nodes that are gone (etcdctl del <prefix>/subnets/<subnet>), use a shorter --subnet-lease-ttl so"
                        + " dead nodes free theirs, or widen Network / lengthen SubnetLen in the network config");
    }
}
