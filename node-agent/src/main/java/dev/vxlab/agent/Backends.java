package dev.vxlab.agent;

import dev.vxlab.agent.backend.Backend;
import dev.vxlab.agent.backend.hostgw.HostGwBackend;
import dev.vxlab.agent.backend.vxlan.VxlanBackend;
import dev.vxlab.agent.lease.NetworkConfig;
import dev.vxlab.core.lease.BackendType;
import java.util.List;
import java.util.function.Function;

/**
 * Every backend vxlabd can run, one line each. Adding one: a package under backend/ with its {@link Backend},
 * its name in {@link BackendType} (the network config's Backend.Type, which lists the known names when it
 * names another), and its line here; BackendsTest fails while a type has no line. The list sits here, where
 * the agent is wired, so that backend/ does not depend on its own subpackages.
 */
public final class Backends {
    /** A backend type and how to make its backend from the network config's Backend section. */
    public record Registration(BackendType type, Function<NetworkConfig.Backend, Backend> create) {
    }

    public static final List<Registration> ALL = List.of(
            new Registration(BackendType.VXLAN, VxlanBackend::new),
            new Registration(BackendType.HOST_GW, HostGwBackend::new));

    private Backends() {
    }

    /** The backend {@code cfg} asks for. */
    public static Backend create(NetworkConfig cfg) {
        for (Registration r : ALL) {
            if (r.type() == cfg.backend().type()) {
                return r.create().apply(cfg.backend());
            }
        }
        throw new IllegalStateException("no backend registered for Backend.Type " + cfg.backend().type() + " in Backends.ALL");
    }
}
