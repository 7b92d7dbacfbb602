package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A session to every node of a lab, opened at once, in the spec's node order; closing it closes them all. */
final class Sessions implements AutoCloseable {
    private final Map<String, RemoteShell> shells;

    private Sessions(Map<String, RemoteShell> shells) {
        this.shells = Collections.unmodifiableMap(shells);
    }

    /** Opens them all, reporting each host key pinned on first contact; when one fails, those opened are closed. */
    static Sessions open(LabSpec spec, Machines machines, Report report) {
        Map<String, RemoteShell> opened = new ConcurrentHashMap<>();
        try {
            Parallel.forEach(spec.nodes(), node -> {
                RemoteShell sh = machines.connect(node);
                opened.put(node.name(), sh);
                if (sh.pinned() != null) {
                    report.line(node.name() + " host key pinned on first contact: " + sh.pinned());
                }
            });
        } catch (RuntimeException e) {
            opened.values().forEach(RemoteShell::close);
            throw e;
        }
        Map<String, RemoteShell> ordered = new LinkedHashMap<>();
        spec.nodes().forEach(n -> ordered.put(n.name(), opened.get(n.name())));
        return new Sessions(ordered);
    }

    RemoteShell get(String node) {
        return shells.get(node);
    }

    /** By node name, in the spec's order. */
    Map<String, RemoteShell> all() {
        return shells;
    }

    @Override
    public void close() {
        shells.values().forEach(RemoteShell::close);
    }
}
