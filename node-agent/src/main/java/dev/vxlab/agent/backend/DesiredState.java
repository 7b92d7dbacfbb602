package dev.vxlab.agent.backend;

import dev.vxlab.agent.kernel.FdbEntry;
import dev.vxlab.agent.kernel.Neighbor;
import dev.vxlab.agent.kernel.Route;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** The neighbour, FDB and route entries the node should have for its peers; also what the kernel has (read back). */
public record DesiredState(Set<Neighbor> neighbors, Set<FdbEntry> fdb, Set<Route> routes) {
    public static final DesiredState EMPTY = new DesiredState(Set.of(), Set.of(), Set.of());

    /** Collects the entries a backend adds for each peer ({@link Backend#addPeer}). */
    public static final class Builder {
        private final Set<Neighbor> neighbors = new HashSet<>();
        private final Set<FdbEntry> fdb = new HashSet<>();
        private final Set<Route> routes = new HashSet<>();

        public void neighbor(Neighbor n) {
            neighbors.add(n);
        }

        public void fdb(FdbEntry f) {
            fdb.add(f);
        }

        public void route(Route r) {
            routes.add(r);
        }

        public DesiredState build() {
            // read-only views, not copies: hashing every entry again per lease event costs more than it protects
            return new DesiredState(Collections.unmodifiableSet(neighbors), Collections.unmodifiableSet(fdb),
                    Collections.unmodifiableSet(routes));
        }
    }
}
