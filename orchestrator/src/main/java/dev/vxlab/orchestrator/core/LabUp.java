package dev.vxlab.orchestrator.core;

import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.etcd.EtcdPki;
import dev.vxlab.orchestrator.etcd.EtcdPlacement;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.prepare.NodePrep;
import dev.vxlab.orchestrator.prepare.PackagePlan;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.provider.Providers;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.render.Renderer;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * {@code vxlab up}: the lab the spec describes, built or converged, then proven.
 *
 * <p>Design notes. The pipeline is six steps — machines, prepare, etcd, files, agents, verify — and each runs
 * on every node at once and ends on all of them before the next begins (the files name etcd's endpoints; the
 * agents need the files; the ping matrix needs every agent's lease). Nothing here knows which provider made the
 * machines: from {@link Machines#up} on, every node is a {@code RemoteShell}, and what differs is asked as a
 * property (does vxlab own the machines; do they share this machine's programs). Every step is idempotent and
 * reports each file and step "changed" or "unchanged", so a re-run converges and says so. What a step makes is
 * written to the lab's state before it is made (the spec's path before the machines, each file on a host vxlab
 * does not own before it is pushed, the etcd node or container before etcd starts), so that {@code down} can
 * undo a lab that {@code up} left half-made. The agent step waits for every node's lease and reports all the
 * nodes that failed, each by name, not only the first.
 */
public final class LabUp {
    private final LabContext context;

    public LabUp(LabContext context) {
        this.context = context;
    }

    /** Brings the lab up and runs the ping matrix; {@code provider}: overrides the spec's (null: the spec's). */
    public Verification up(Path specFile, LabSpec.Provider provider, Report report) {
        LabSpec spec = SpecLoader.load(specFile, provider);
        LabState state = LabState.load(Lab.dir(context.home(), spec.name()), spec.name());
        String before = state.string("provider");
        if (before != null && !before.equals(Providers.id(spec.provider()))) {
            throw new VxlabException("lab " + spec.name() + " is up with provider " + before + ", not " + Providers.id(spec.provider()),
                    "`vxlab down " + spec.name() + "` first");
        }
        Machines machines = context.providers().machines(spec, state);

        report.step("machines");
        machines.preflight();
        state.put("spec", spec.source().toAbsolutePath().toString());
        machines.up(report::line);
        // etcd on this machine (or given) needs no node's session: where the machines' hostnames need no asking (they
        // are the node names) it starts now, beside the sessions' key exchange, and the etcd step waits for what is
        // left of it; elsewhere machines that share a hostname are refused first, before anything starts
        EarlyEtcd early = spec.etcd().on().isEmpty() && machines.namesMachinesAfterNodes()
                ? new EarlyEtcd(() -> startEtcd(spec, Map.of(), machines, state)) : null;
        try {
            return afterMachines(spec, state, machines, report, early);
        } finally {
            if (early != null) {
                early.awaitQuietly();
            }
        }
    }

    /** What {@link #startEtcd} gives: where etcd is, and whether the network config was written now. */
    private record EtcdUp(EtcdPlacement.Placed placed, boolean configWritten) {
    }

    private EtcdUp startEtcd(LabSpec spec, Map<String, RemoteShell> shells, Machines machines, LabState state) {
        EtcdPlacement.Placed etcd = context.etcd().start(spec, shells, machines::hostAddress, state);
        return new EtcdUp(etcd, context.etcd().writeConfig(spec, state, etcd.local()));
    }

    /** etcd started on a thread of its own; {@link #get} is its result or its failure, as if it ran there. */
    private static final class EarlyEtcd {
        private final FutureTask<EtcdUp> task;

        EarlyEtcd(Callable<EtcdUp> start) {
            task = new FutureTask<>(start);
            Thread t = new Thread(task, "vxlab-etcd-start");
            t.setDaemon(true);
            t.start();
        }

        EtcdUp get() {
            try {
                return task.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VxlabException("interrupted while etcd started", null, e);
            }
        }

        /** Waits for it to end (up returns with nothing of it still running), whatever it ended with. */
        void awaitQuietly() {
            try {
                task.get();
            } catch (ExecutionException e) {
                // said by get(), or not wanted: an earlier step failed first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Verification afterMachines(LabSpec spec, LabState state, Machines machines, Report report, EarlyEtcd early) {
        Renderer renderer = new Renderer();
        Provisioner prov = new Provisioner(spec, machines.ownsMachines() ? null : state);
        byte[] jar = context.artifacts().agentJar();
        byte[] launcher = context.artifacts().agentLauncher();
        try (Sessions shells = Sessions.open(spec, machines, report)) {
            Hostnames.refuseCollisions(spec, shells);
            report.step("prepare");
            NodePrep prep = new NodePrep(context.artifacts()::javaRuntime);
            forEachNode(spec, node -> {
                if (machines.sharesThisMachinesPrograms()) {
                    report.line(node.name() + " packages and java: this machine's (a netns node shares its programs)");
                    return;
                }
                boolean dockerHere = spec.etcd().runsOn(node.name()) && spec.etcd().mode() == LabSpec.EtcdMode.CONTAINER;
                outcome(report, node, prep.packages(shells.get(node.name()), node.name(), new PackagePlan.Needs(
                        spec.firewall() == LabSpec.Firewall.FIREWALLD, true, dockerHere)));
                outcome(report, node, prep.java(shells.get(node.name())));
            });

            report.step("etcd");
            EtcdUp started = early != null ? early.get() : startEtcd(spec, shells.all(), machines, state);
            EtcdPlacement.Placed etcd = started.placed();
            report.line(etcd.report());
            EtcdTls.notice(spec).ifPresent(report::line);
            report.line("network config " + spec.etcd().prefix() + "/config " + (started.configWritten() ? "written" : "unchanged"));

            report.step("files");
            forEachNode(spec, node -> {
                List<RenderedFile> files = new ArrayList<>(renderer.render(spec, node, etcd.endpoints()));
                files.addAll(EtcdPki.nodeFiles(spec, state.dir(), node.name()));
                prov.pushFiles(shells.get(node.name()), node.name(), files).forEach(o -> outcome(report, node, o));
                outcome(report, node, prov.firewall(shells.get(node.name()), node.name()));
            });
            report.step("agents");
            releaseReplacedMachines(spec, state, etcd.local(), shells, report);
            // nodes that see one directory of this machine as their lib get the jar written there once, not uploaded each
            boolean jarChanged = machines.sharedAgentLib() != null
                    && AtomicFiles.write(machines.sharedAgentLib().resolve(Path.of(Provisioner.AGENT_JAR).getFileName()), jar, "rw-r--r--");
            AgentCds cds = machines.sharedAgentLib() == null ? null
                    : new AgentCds(context.home().resolve("cache").resolve("agent-cds"), machines.sharedAgentLib(), jar, AgentCds.thisMachinesJava());
            boolean archived = cds != null && cds.prepare(jarChanged);
            byte[] upload = cds != null ? null : jar;
            forEachNode(spec, node -> outcome(report, node, prov.agent(shells.get(node.name()), upload, launcher, jarChanged)));
            awaitLeases(spec, shells, prov, report);

            // no archive for this jar yet: one node makes it while the matrix runs, for every later start on this machine
            Thread training = cds != null && !archived ? train(cds, shells.get(spec.nodes().get(0).name()), report) : null;
            try {
                return new LabVerify(context).run(spec, shells, report);
            } finally {
                if (training != null) {
                    try {
                        training.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /**
     * The agents' class archive made on a node (its jar's path is theirs), at nice 19, while up goes on; up waits
     * for it before it returns, so that nothing of it outlives up. A failed training only costs later starts the
     * archive: it is said, and up goes on.
     */
    private static Thread train(AgentCds cds, RemoteShell node, Report report) {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            RemoteShell.Result r = node.exec(AgentCds.TRAIN + " 2>&1");
            if (r.ok() && cds.keep()) {
                report.line(String.format(java.util.Locale.ROOT, "agent class archive made for later starts (%.1f s)", (System.nanoTime() - start) / 1e9));
            } else {
                report.line("agent class archive not made (agents start without it): " + (r.stdout() + r.stderr()).strip());
            }
        }, "vxlab-agent-cds");
        t.start();
        return t;
    }

    /**
     * A machine made anew (vagrant destroy, a re-imaged host) has a new node ID, or none yet: the lease its
     * predecessor left under its name is released before its agent starts (see {@code etcd/ReplacedMachines}).
     */
    private void releaseReplacedMachines(LabSpec spec, LabState state, String etcdLocal, Sessions shells, Report report) {
        Map<String, String> ids = new ConcurrentHashMap<>();
        forEachNode(spec, node -> ids.put(node.name(), shells.get(node.name()).exec("cat " + Provisioner.NODE_ID + " 2>/dev/null").stdout().strip()));
        for (String released : context.etcd().releaseReplaced(spec, state, etcdLocal, ids)) {
            report.line("released " + released + ", the lease a machine replaced since left");
        }
    }

    /** Every node's lease; the nodes whose agent failed are all named, each with its agent's explanation. */
    private static void awaitLeases(LabSpec spec, Sessions shells, Provisioner prov, Report report) {
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        forEachNode(spec, node -> {
            try {
                String env = prov.awaitLease(shells.get(node.name()), node.name(), 60);
                String subnet = env.lines().filter(l -> l.startsWith("FLANNEL_SUBNET=")).map(l -> l.substring(15)).findFirst().orElse("?");
                report.line(node.name() + " lease FLANNEL_SUBNET=" + subnet);
            } catch (VxlabException e) {
                refused.add(e.getMessage());
                report.line(node.name() + " FAILED");
            }
        });
        if (!refused.isEmpty()) {
            throw new VxlabException("the agent step failed on " + refused.size() + " node(s):\n  " + String.join("\n  ", refused),
                    "fix the agent options in " + spec.source() + " (agent.options), then `vxlab up` again; `vxlab down "
                            + spec.name() + "` removes the lab");
        }
    }

    private static void outcome(Report report, LabSpec.Node node, Provisioner.Outcome o) {
        report.line(node.name() + " " + o.what() + " " + (o.changed() ? "changed" : "unchanged"));
    }

    /** Runs {@code work} for every node at once; the first failure (in node order) is rethrown after all finished. */
    static void forEachNode(LabSpec spec, Consumer<LabSpec.Node> work) {
        Parallel.forEach(spec.nodes(), work);
    }
}
