package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.provider.Providers;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code vxlab down}: removes what {@code up} made, as the lab's state recorded it, and nothing else: the
 * machines (by the provider the state names — from the state alone when that provider can, else with the spec),
 * the processes recorded, etcd's container here, then the state directory.
 *
 * <p>A node that does not answer (an existing host that is down or whose sshd is stopped) does not stop the rest:
 * everything else is removed, and the state keeps just what is left on those nodes (what the provider names, the
 * exercise made there, and where the lab's spec is), so that a later down, once they answer, finishes the job and
 * removes the state. Which providers can leave anything is theirs to say ({@link Machines#down}).
 */
public final class LabDown {
    /** What a state that is kept for what is left always holds: its name, its provider and where its spec is. */
    private static final Set<String> KEPT = Set.of("name", "provider", "spec");

    private final LabContext context;

    public LabDown(LabContext context) {
        this.context = context;
    }

    /**
     * What down found: {@code wasUp} false when there was no lab of that name (nothing done); {@code left}, per node,
     * what could not be removed (empty: the lab is gone, state and all); {@code state}: where what is left is recorded.
     */
    public record Result(String lab, boolean wasUp, List<Left> left, Path state) {
        public Result(String lab, boolean wasUp) {
            this(lab, wasUp, List.of(), null);
        }

        public Result {
            left = List.copyOf(left);
        }
    }

    /** What is left on one node, as the user reads it: where it was reached, why not, what to try, what is there. */
    public record Left(String node, String where, String reason, String hint, List<String> what) {
        public Left {
            what = List.copyOf(what);
        }

        static Left of(Machines.Left l) {
            return new Left(l.node(), l.where(), l.reason(), l.hint(), l.what());
        }
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
        List<Machines.Left> left;
        if (provider.teardown() != null) {
            left = provider.teardown().down(state, context.providers().context());
        } else {
            Lab lab = Lab.resolve(context.home(), name);
            Machines machines = context.providers().machines(lab.spec(), state);
            LabExercise.undoForDown(state, machines, lab.spec());
            left = machines.down();
            context.host().stopAll(state.pids().values(), 5);
            state.pids().keySet().forEach(role -> state.pid(role, null));
        }
        context.etcd().stop(state);
        if (left.isEmpty()) {
            Lab.deleteTree(state.dir());
            return new Result(name, true);
        }
        keepOnly(state, left);
        return new Result(name, true, left.stream().map(Left::of).toList(), state.dir().resolve(LabState.FILE));
    }

    /** The state reduced to what is left on the nodes that did not come down; every other file of the lab directory goes. */
    private static void keepOnly(LabState state, List<Machines.Left> left) {
        Set<String> nodes = left.stream().map(Machines.Left::node).collect(Collectors.toSet());
        List<String> keys = new ArrayList<>(KEPT);
        left.forEach(l -> keys.addAll(l.stateKeys()));
        String exercised = LabExercise.activeNode(state);
        if (exercised != null && nodes.contains(exercised)) {
            keys.add(LabExercise.KEY);
        }
        String etcdOn = state.string("etcdOn");
        if (etcdOn != null && nodes.contains(etcdOn)) {
            keys.add("etcdOn");
        }
        state.retain(keys);
        try (Stream<Path> files = Files.list(state.dir())) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals(LabState.FILE)).toList()) {
                Lab.deleteTree(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
