package dev.vxlab.agent.kernel;

import java.util.List;
import java.util.Optional;

/**
 * The one door to the kernel's network state: read the VXLAN device, neighbours, FDB and routes; apply a
 * list of {@link Change}s. The iproute2 implementation runs {@code ip}/{@code bridge} in batch mode; unit
 * tests check the planned changes without it.
 */
public interface Kernel {

    Optional<VxlanLink> vxlanLink(String name);

    /** Whether an interface of that name exists (of any kind). */
    boolean linkExists(String name);

    List<Neighbor> neighbors(String dev);

    List<FdbEntry> fdb(String dev);

    /** IPv4 routes of the main table that have a gateway (the only kind the agent installs). */
    List<Route> gatewayRoutes();

    /** Applies the changes in order, each tried even if an earlier one failed; returns the failures. */
    List<Failure> apply(List<Change> changes);

    record Failure(Change change, String error) {
    }
}
