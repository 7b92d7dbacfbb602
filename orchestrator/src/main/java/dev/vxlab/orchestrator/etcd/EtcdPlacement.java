package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lab's etcd as the pipeline sees it: started (or found running) where the spec places it — on a node
 * ({@code etcd.on}), on this machine, or given ({@code external}) — and the network config written into it. Which
 * of those it is stays behind this type; {@link StandardEtcdPlacement} is the real one.
 */
public interface EtcdPlacement {

    /**
     * {@code report}: the step's line ("process on kube1 at [http://…:2379] (asked for in the spec)");
     * {@code endpoints}: where the agents reach etcd; {@code local}: where vxlab reaches it from here.
     */
    record Placed(String report, List<String> endpoints, String local) {
    }

    /**
     * Starts the lab's etcd, or finds it running. {@code shells}: the nodes' sessions, by node name;
     * {@code hostAddress}: this machine's address on the underlay (asked only when etcd runs here; null: none).
     */
    Placed start(LabSpec spec, Map<String, RemoteShell> shells, Supplier<Ip4> hostAddress, LabState state);

    /** Writes flannel's network config from the spec to {@code <prefix>/config} at {@code local}; false when it was there already. */
    boolean writeConfig(LabSpec spec, LabState state, String local);

    /**
     * Deletes the leases of machines replaced since they were written ({@link ReplacedMachines}), given each node's
     * node ID now (empty: none yet); returns what was released ("vt2 /coreos.com/network/subnets/10.244.55.0-24").
     */
    List<String> releaseReplaced(LabSpec spec, LabState state, String local, Map<String, String> nodeIdByNode);

    /** Removes what {@link #start} made on this machine and recorded in the lab's state (its container). */
    void stop(LabState state);
}
