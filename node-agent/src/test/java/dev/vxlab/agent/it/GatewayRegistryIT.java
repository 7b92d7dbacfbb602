package dev.vxlab.agent.it;

import dev.vxlab.agent.lease.SubnetRegistry;
import dev.vxlab.agent.lease.etcd.EtcdSettings;
import dev.vxlab.agent.lease.etcd.GatewayRegistry;

/**
 * {@link AbstractEtcdRegistryIT} through etcd's JSON gateway ({@link GatewayRegistry}, the agent's normal path),
 * against etcd as a plain process on 127.0.0.1 as {@link EtcdProcessRegistryIT} runs it.
 */
class GatewayRegistryIT extends EtcdProcessRegistryIT {
    @Override
    SubnetRegistry open(EtcdSettings settings) {
        return new GatewayRegistry(settings);
    }
}
