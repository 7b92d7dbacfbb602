package dev.vxlab.agent.backend;

import dev.vxlab.agent.iface.ExternalInterface;
import dev.vxlab.core.lease.BackendType;
import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;

/**
 * One way of carrying the overlay between nodes, as in flannel's backend package: what it sets up on this
 * node before and after the lease, and which kernel entries it needs for each peer. The rest (planning over
 * all leases, diffing against the kernel, applying, logging peers) is {@link Planner}, {@link Reconciler} and
 * {@link DataPlane}, shared by every backend. Implementations live in a package each (backend/vxlan,
 * backend/hostgw) and are registered in {@code dev.vxlab.agent.Backends}.
 */
public interface Backend {

    BackendType type();

    /** The device this backend creates and programs (flannel.&lt;VNI&gt;), or null when it programs routes only. */
    String device();

    /** Bytes of headers the backend adds to every packet: containers get the external MTU minus this. */
    int mtuOverhead();

    /**
     * Before the lease: makes the node ready for this backend (creates or checks its device, checks the
     * interface) and returns what this node writes into its lease.
     */
    LeaseAttrs prepare(KernelWriter kernel, ExternalInterface ext, String vtepSeed, LeaseAttrs.NodeIdentity me);

    /** After the lease: gives the device its address for {@code subnet} and its MTU (nothing without a device). */
    void configure(KernelWriter kernel, Ip4Net subnet, int mtu);

    /**
     * Adds the entries this node needs to reach {@code peer}: a remote lease of this backend's type inside
     * Network. On the per-event path: plain code, no streams or lambdas.
     */
    void addPeer(Lease peer, Planner.Self self, DesiredState.Builder into);
}
