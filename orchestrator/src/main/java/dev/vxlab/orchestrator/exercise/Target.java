package dev.vxlab.orchestrator.exercise;

/**
 * Where a fault goes, with the facts its commands need: the node, its overlay subnet, its underlay interface and
 * address, and one peer (another node) with the subnet, VTEP MAC and public IP of its lease. Built from the
 * lab's facts by the service; faults only read it.
 */
public record Target(String node, String subnet, String subnetNetwork, String underlayIface, String underlayIp, int mtu,
                     String peer, String peerSubnet, String peerMac, String peerPublicIp, String unusedUnderlayIp,
                     String vxlanDevice, int vni, int port, String network) {
}
