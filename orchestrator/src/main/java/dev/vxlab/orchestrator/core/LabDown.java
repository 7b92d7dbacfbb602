package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.provider.Providers;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code vxlab down}: removes what {@code up} made, as the lab's state recorded it, and nothing else: the
 * machines (by the provider the state names — from the state alone when that provider can, else with the spec),
 * the processes recorded, etcd's container here, then the state directory.
 */
public final class LabDown {
    private final LabContext context;

    public LabDown(LabContext context) {
        this.context = context;
    }

    /** What down found: {@code wasUp} false when there was no lab of that name (nothing done). */
    public record Result(String lab, boolean wasUp) {
    }

    /** SPEC or NAME. */
    public Result down(String specOrName) {
        String name = specOrName;
        Path p = Path.of(specOrName);
        if (Files.isRegularFile(p)) {
            name = SpecLoader.load(p).name();
        }
        LabState state = LabState.load(Lab.dir(context.home(), name), name);
        if (!state.exists()) {
            return new Result(name, false);
        }
        String recorded = state.string("provider");
        Providers.Provider provider = context.providers().recorded(recorded);
        if (provider == null) {
            throw Lab.unknownProvider(name, recorded);
        }
        if (provider.teardown() != null) {
            provider.teardown().down(state, context.providers().context());
        } else {
            Lab lab = Lab.resolve(context.home(), name);
            Machines machines = context.providers().machines(lab.spec(), state);
            LabExercise.undoForDown(state, machines, lab.spec());
            machines.down();
            context.host().stopAll(state.pids().values(), 5);
        }
        context.etcd().stop(state);
        Lab.deleteTree(state.dir());
        return new Result(name, true);
    }
}
