package dev.vxlab.orchestrator.core;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.etcd.EtcdPlacement;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeHost;
import dev.vxlab.orchestrator.fake.FakeMachines;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.prepare.JavaRuntime;
import dev.vxlab.orchestrator.provider.Providers;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The services' world for unit tests, every side effect faked by hand: this machine ({@link FakeHost}), one
 * provider registered as netns ({@link FakeMachines}, with or without a state-only teardown), etcd's placement
 * (records its calls, etcd "on kube1"), the agent's artifacts, and a report that keeps what it is told.
 */
final class Fixture {
    final Events events = new Events();
    final FakeHost host = new FakeHost(events);
    final FakeMachines machines = new FakeMachines(events);
    final Report report = new Report();
    final Etcd etcd = new Etcd();
    final Path home;

    Fixture(Path home) {
        this.home = home;
    }

    /** {@code teardownFromState}: whether the provider takes a lab down from its state alone (as netns does). */
    LabContext context(boolean teardownFromState) {
        Providers.Context pc = new Providers.Context(host, home, s -> { });
        Providers providers = new Providers(pc, List.of(new Providers.Provider(LabSpec.Provider.NETNS, (spec, state, c) -> machines,
                teardownFromState ? (state, c) -> {
                    events.add("teardown " + state.string("name"));
                    return machines.left;
                } : null)));
        return new LabContext(home, host, providers, etcd, new Artifacts() {
            @Override
            public byte[] agentJar() {
                return new byte[] {'j', 'a', 'r'};
            }

            @Override
            public byte[] agentLauncher() {
                return "#!/bin/sh\n".getBytes();
            }

            @Override
            public JavaRuntime.Archive javaRuntime() {
                throw new AssertionError("every fake node has Java 17: no runtime is needed");
            }
        });
    }

    LabContext context() {
        return context(true);
    }

    LabState state(String lab) {
        return LabState.load(Lab.dir(home, lab), lab);
    }

    /** Remembers the steps and lines, from every node's thread. */
    static final class Report implements dev.vxlab.orchestrator.core.Report {
        final List<String> steps = Collections.synchronizedList(new ArrayList<>());
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void step(String name) {
            steps.add(name);
        }

        @Override
        public void line(String text) {
            lines.add(text);
        }

        boolean has(String line) {
            return lines.contains(line);
        }
    }

    /** etcd on kube1, as the agents reach it, and this machine's end of the forwarded port. */
    final class Etcd implements EtcdPlacement {
        private boolean written;

        @Override
        public Placed start(LabSpec spec, Map<String, RemoteShell> shells, Supplier<Ip4> hostAddress, LabState state) {
            events.add("etcd start " + shells.keySet());
            return new Placed("process on kube1 at [http://192.168.90.11:2379] (fake)", List.of("http://192.168.90.11:2379"),
                    "http://127.0.0.1:40001");
        }

        @Override
        public boolean writeConfig(LabSpec spec, LabState state, String local) {
            events.add("etcd config " + local);
            boolean first = !written;
            written = true;
            return first;
        }

        @Override
        public List<String> releaseReplaced(LabSpec spec, LabState state, String local, Map<String, String> nodeIdByNode) {
            events.add("etcd release replaced " + new java.util.TreeMap<>(nodeIdByNode).keySet());
            return List.of();
        }

        @Override
        public void stop(LabState state) {
            events.add("etcd stop");
        }
    }
}
