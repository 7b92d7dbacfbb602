package dev.vxlab.agent.backend;

import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import java.util.Set;

/** The neighbour, FDB and route entries the node should have for its peers; also what the kernel has (read back). */
public record DesiredState(Set<Neighbor> neighbors, Set<FdbEntry> fdb, Set<Route> routes) {
    public static final DesiredState EMPTY = new DesiredState(Set.of(), Set.of(), Set.of());
}
