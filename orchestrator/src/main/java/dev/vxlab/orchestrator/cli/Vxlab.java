package dev.vxlab.orchestrator.cli;

import dev.vxlab.agent.json.Json;
import dev.vxlab.agent.lease.Lease;
import dev.vxlab.agent.lease.etcd.EtcdRegistry;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.etcd.LabEtcd;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.etcd.NodeEtcd;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.prepare.JavaRuntime;
import dev.vxlab.orchestrator.prepare.NodePrep;
import dev.vxlab.orchestrator.prepare.PackagePlan;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.provider.netns.NetnsProvider;
import dev.vxlab.orchestrator.provider.ssh.SshProvider;
import dev.vxlab.orchestrator.provider.vagrant.VagrantProvider;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.render.Renderer;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecException;
import dev.vxlab.orchestrator.spec.SpecLoader;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.SshjShell;
import dev.vxlab.orchestrator.verify.PingMatrix;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The vxlab CLI. Each subcommand is a thin layer over spec, provider, etcd, deploy and verify; this class is
 * the only place that catches the library's exceptions: it prints one line and a hint (the stack trace only
 * with --stacktrace) and returns the exit code.
 */
@Command(name = "vxlab", mixinStandardHelpOptions = true, version = "vxlab 0.1",
        description = "Stand up and teach flannel-style VXLAN overlay labs.",
        subcommands = {Vxlab.Up.class, Vxlab.Down.class, Vxlab.Status.class, Vxlab.Verify.class, Vxlab.Render.class, Vxlab.Ssh.class},
        footer = {"", "Exit codes: 0 success; 1 a step failed or the ping matrix has failed pairs; 2 bad spec or command line."})
public final class Vxlab implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return BAD_INPUT;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // sshj logs a refused forwarded connection (etcd still starting) as an ERROR; vxlab reports what matters itself
        System.setProperty("org.slf4j.simpleLogger.log.net.schmizz", "off");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Vxlab());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean stack = parsed.originalArgs().contains("--stacktrace");
            if (ex instanceof SpecException se) {
                err.println("vxlab: " + se.getMessage());
                return BAD_INPUT;
            }
            if (ex instanceof VxlabException ve) {
                err.println("vxlab: " + ve.getMessage());
                if (ve.hint() != null) {
                    err.println("  hint: " + ve.hint());
                }
            } else {
                err.println("vxlab: " + ex);
            }
            if (stack) {
                ex.printStackTrace(err);
            } else if (!(ex instanceof VxlabException)) {
                err.println("  (--stacktrace shows where)");
            }
            return FAILED;
        });
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        return cl.execute(args);
    }

    /** Options every subcommand takes. */
    static class Common {
        @Option(names = "--verbose", description = "print every command run on this machine")
        boolean verbose;

        @Option(names = "--stacktrace", description = "print the stack trace of a failure")
        boolean stacktrace;

        @Option(names = "--json", description = "print the result as JSON for scripts")
        boolean json;

        void say(String s) {
            if (verbose) {
                System.err.println("+ " + s);
            }
        }
    }

    static Path repoHome() {
        String h = System.getProperty("vxlab.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    static byte[] read(Path p, String what) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new VxlabException("cannot read " + what + " at " + p, "build it: mvn -DskipTests package");
        }
    }

    /** The lab's machines, by its provider: namespaces built here, Vagrant machines, or existing hosts. */
    static Machines machines(LabSpec spec, LabState state, java.util.function.Consumer<String> verbose) {
        return switch (spec.provider()) {
            case NETNS -> new NetnsProvider(spec, state, verbose);
            case VAGRANT -> new VagrantProvider(spec, state, repoHome(), verbose);
            case SSH -> new SshProvider(spec, state, verbose);
        };
    }

    /** Opens a session to every node at once; reports each host key pinned on first contact. */
    static Map<String, SshjShell> connectAll(LabSpec spec, Machines machines, Progress p) {
        Map<String, SshjShell> shells = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            forEachNode(spec, node -> {
                SshjShell sh = machines.connect(node);
                shells.put(node.name(), sh);
                if (sh.pinned() != null && p != null) {
                    p.line(node.name() + " host key pinned on first contact: " + sh.pinned());
                }
            });
        } catch (RuntimeException e) {
            shells.values().forEach(SshjShell::close);
            throw e;
        }
        Map<String, SshjShell> ordered = new LinkedHashMap<>();
        spec.nodes().forEach(n -> ordered.put(n.name(), shells.get(n.name())));
        return ordered;
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = {
        "Build the lab the spec describes, start etcd, provision every node over SSH, start the agents, and prove",
        "the overlay with the ping matrix. A re-run converges: it reports each file and step as changed or unchanged."})
    static class Up implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC", description = "the lab spec, e.g. labs/quickstart.yaml")
        Path specFile;

        @Option(names = "--provider", paramLabel = "netns|vagrant|ssh",
                description = "where the machines come from, instead of the spec's provider: (the Vagrantfile's trigger passes vagrant)")
        LabSpec.Provider provider;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            LabSpec spec = SpecLoader.load(specFile, provider);
            Progress p = new Progress(System.out, common.json);
            LabState state = LabState.load(Lab.dir(spec.name()), spec.name());
            String before = state.string("provider");
            if (before != null && !before.equals(spec.provider().name().toLowerCase(java.util.Locale.ROOT))) {
                throw new VxlabException("lab " + spec.name() + " is up with provider " + before + ", not " + spec.provider().name().toLowerCase(java.util.Locale.ROOT),
                        "`vxlab down " + spec.name() + "` first");
            }
            Machines machines = machines(spec, state, common::say);

            p.step("machines");
            machines.preflight();
            state.put("spec", spec.source().toAbsolutePath().toString());
            machines.up(p::line);

            Renderer renderer = new Renderer();
            Provisioner prov = new Provisioner(spec, spec.provider() == LabSpec.Provider.SSH ? state : null);
            byte[] jar = read(repoHome().resolve("node-agent/target/vxlabd.jar"), "the agent's jar");
            byte[] launcher = read(repoHome().resolve("node-agent/bin/vxlabd"), "the agent's launcher");
            Map<String, SshjShell> shells = connectAll(spec, machines, p);
            try {
                p.step("prepare");
                NodePrep prep = new NodePrep(memo(() -> JavaRuntime.archive(Lab.home().resolve("cache"))));
                forEachNode(spec, node -> {
                    SshjShell sh = shells.get(node.name());
                    if (spec.provider() == LabSpec.Provider.NETNS) {
                        // a netns node runs this machine's programs (its /usr): nothing to install, Java included
                        p.line(node.name() + " packages and java: this machine's (a netns node shares its programs)");
                        return;
                    }
                    boolean dockerHere = node.name().equals(spec.etcd().on()) && spec.etcd().mode() == LabSpec.EtcdMode.CONTAINER;
                    Provisioner.Outcome o = prep.packages(sh, node.name(), new PackagePlan.Needs(
                            spec.firewall() == LabSpec.Firewall.FIREWALLD, true, dockerHere));
                    p.line(node.name() + " " + o.what() + " " + (o.changed() ? "changed" : "unchanged"));
                    Provisioner.Outcome j = prep.java(sh);
                    p.line(node.name() + " " + j.what() + " " + (j.changed() ? "changed" : "unchanged"));
                });

                p.step("etcd");
                List<String> endpoints;
                String local;
                if (spec.etcd().on() != null) {
                    LabSpec.Node on = spec.nodes().stream().filter(n -> n.name().equals(spec.etcd().on())).findFirst().orElseThrow();
                    NodeEtcd.Started etcd = NodeEtcd.start(spec, on, shells.get(on.name()), state);
                    p.line(etcd.mode() + " on " + on.name() + " at " + etcd.endpoints() + " (" + etcd.why() + ")");
                    endpoints = etcd.endpoints();
                    local = etcd.local();
                } else {
                    if (spec.etcd().mode() != LabSpec.EtcdMode.EXTERNAL && machines.hostAddress() == null) {
                        throw new VxlabException("etcd would run on this machine at " + spec.underlay().hostIp()
                                + ", but this machine has no such address on the lab's network, so the nodes could not reach it",
                                "run etcd on a node: etcd: {mode: process, on: " + spec.nodes().get(0).name() + "} in " + spec.source());
                    }
                    LabEtcd.Started etcd = LabEtcd.start(spec, state, common::say);
                    p.line(etcd.mode() + " at " + etcd.endpoints() + " (" + etcd.why() + ")");
                    endpoints = etcd.endpoints();
                    local = endpoints.get(0);
                }
                boolean cfg = LabEtcd.writeConfig(List.of(local), spec.etcd().prefix(), LabEtcd.networkConfig(spec.network()));
                p.line("network config " + spec.etcd().prefix() + "/config " + (cfg ? "written" : "unchanged"));

                // every node in parallel, each step to the end on all nodes before the next starts
                p.step("files");
                forEachNode(spec, node -> {
                    SshjShell sh = shells.get(node.name());
                    for (Provisioner.Outcome o : prov.pushFiles(sh, node.name(), renderer.render(spec, node, endpoints))) {
                        p.line(node.name() + " " + o.what() + " " + (o.changed() ? "changed" : "unchanged"));
                    }
                    Provisioner.Outcome fw = prov.firewall(sh, node.name());
                    p.line(node.name() + " " + fw.what() + " " + (fw.changed() ? "changed" : "unchanged"));
                });
                p.step("agents");
                forEachNode(spec, node -> {
                    Provisioner.Outcome o = prov.agent(shells.get(node.name()), jar, launcher);
                    p.line(node.name() + " " + o.what() + " " + (o.changed() ? "changed" : "unchanged"));
                });
                List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
                forEachNode(spec, node -> {
                    try {
                        String env = prov.awaitLease(shells.get(node.name()), node.name(), 60);
                        String subnet = env.lines().filter(l -> l.startsWith("FLANNEL_SUBNET=")).map(l -> l.substring(15)).findFirst().orElse("?");
                        p.line(node.name() + " lease FLANNEL_SUBNET=" + subnet);
                    } catch (VxlabException e) {
                        refused.add(e.getMessage());
                        p.line(node.name() + " FAILED");
                    }
                });
                if (!refused.isEmpty()) {
                    throw new VxlabException("the agent step failed on " + refused.size() + " node(s):\n  " + String.join("\n  ", refused),
                            "fix the agent options in " + spec.source() + " (agent.options), then `vxlab up` again; `vxlab down "
                                    + spec.name() + "` removes the lab");
                }
                p.step("verify");
                int code = verify(spec, shells, p, common.json);
                System.out.println(p.summary());
                return code;
            } finally {
                shells.values().forEach(SshjShell::close);
            }
        }
    }

    /** {@code supplier}'s value, computed on the first call only (from any thread). */
    static <T> java.util.function.Supplier<T> memo(java.util.function.Supplier<T> supplier) {
        return new java.util.function.Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    /** Runs {@code work} for every node at once; the first failure (in node order) is rethrown after all finished. */
    static void forEachNode(LabSpec spec, java.util.function.Consumer<LabSpec.Node> work) {
        Parallel.forEach(spec.nodes(), work);
    }

    static int verify(LabSpec spec, Map<String, ? extends RemoteShell> shells, Progress p, boolean json) {
        Map<String, String> found = new java.util.concurrent.ConcurrentHashMap<>();
        forEachNode(spec, node -> found.put(node.name(), PingMatrix.ensureContainer(shells.get(node.name()), node.name())));
        Map<String, String> ips = new LinkedHashMap<>();
        shells.keySet().forEach(n -> ips.put(n, found.get(n)));
        @SuppressWarnings("unchecked")
        PingMatrix.Result r = PingMatrix.run((Map<String, RemoteShell>) (Map<String, ?>) shells, ips);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lab", spec.name());
            m.put("containers", new LinkedHashMap<>(ips));
            List<Object> pairs = new ArrayList<>();
            for (int i = 0; i < r.nodes().size(); i++) {
                for (int j = 0; j < r.nodes().size(); j++) {
                    if (i != j) {
                        Map<String, Object> pair = new LinkedHashMap<>();
                        pair.put("from", r.nodes().get(i));
                        pair.put("to", r.nodes().get(j));
                        pair.put("ok", r.rtt()[i][j] != null);
                        pair.put("rttMs", r.rtt()[i][j] == null ? null : new java.math.BigDecimal(String.valueOf(r.rtt()[i][j])));
                        pairs.add(pair);
                    }
                }
            }
            m.put("pairs", pairs);
            m.put("failed", r.failed());
            System.out.println(Json.write(m));
        } else {
            System.out.print(r.render());
        }
        if (!r.failed().isEmpty()) {
            System.err.println("vxlab: ping failed for " + String.join(", ", r.failed()));
            return FAILED;
        }
        p.line("all " + (r.nodes().size() * (r.nodes().size() - 1)) + " pairs ping");
        return OK;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Run the container-to-container ping matrix of a lab that is up.")
    static class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC|NAME")
        String lab;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            Lab l = Lab.resolve(lab);
            Map<String, SshjShell> shells = connectAll(l.spec(), machines(l.spec(), l.state(), common::say), null);
            try {
                Progress p = new Progress(System.out, common.json);
                p.step("verify");
                return verify(l.spec(), shells, p, common.json);
            } finally {
                shells.values().forEach(SshjShell::close);
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = {
        "Remove everything `up` made for the lab (recorded in its state directory): agents, sshd, etcd,",
        "namespaces, the root link, the lab directory. Nothing else is touched."})
    static class Down implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC|NAME")
        String lab;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws IOException {
            String name = lab;
            Path p = Path.of(lab);
            if (Files.isRegularFile(p)) {
                name = SpecLoader.load(p).name();
            }
            LabState state = LabState.load(Lab.dir(name), name);
            if (!state.exists()) {
                System.out.println("lab " + name + " is not up; nothing to do");
                return OK;
            }
            String provider = state.string("provider");
            if (provider == null || provider.equals("netns")) {
                NetnsProvider.down(state, common::say);
            } else {
                Lab l = Lab.resolve(name);
                machines(l.spec(), state, common::say).down();
                Host.stopAll(state.pids().values(), 5);
            }
            LabEtcd.stop(state, common::say);
            deleteTree(state.dir());
            System.out.println("lab " + name + " removed");
            return OK;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show a lab's nodes: public IP, interface, subnet, VtepMAC, lease expiry, agent state.",
        "Without a name, list the labs that are up."})
    static class Status implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", arity = "0..1")
        String lab;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            if (lab == null) {
                List<String> names = new ArrayList<>();
                Path labs = Lab.home().resolve("labs");
                if (Files.isDirectory(labs)) {
                    try (var s = Files.list(labs)) {
                        s.filter(d -> Files.isRegularFile(d.resolve("state.json"))).forEach(d -> names.add(d.getFileName().toString()));
                    }
                }
                System.out.println(common.json ? Json.write(Map.of("labs", names)) : (names.isEmpty() ? "no labs are up" : String.join("\n", names)));
                return OK;
            }
            Lab l = Lab.resolve(lab);
            Machines machines = machines(l.spec(), l.state(), common::say);
            String endpoint = l.state().string("etcdEndpoint");
            List<Lease> leases = List.of();
            Map<Lease, String> expiries = new java.util.HashMap<>();
            SshjShell etcdNode = null;
            String etcdOn = l.state().string("etcdOn");
            if (etcdOn != null) {
                LabSpec.Node on = l.spec().nodes().stream().filter(n -> n.name().equals(etcdOn)).findFirst().orElse(null);
                try {
                    etcdNode = on == null ? null : machines.connect(on);
                    endpoint = etcdNode == null ? null : NodeEtcd.forward(etcdNode);
                } catch (VxlabException e) {
                    endpoint = null;
                }
            }
            if (endpoint != null) {
                try (EtcdRegistry reg = new EtcdRegistry(new EtcdRegistry.Settings(List.of(URI.create(endpoint)), l.spec().etcd().prefix(),
                        null, null, null, null, null, Duration.ofSeconds(10)))) {
                    leases = reg.leases().leases();
                    java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                    for (Lease lease : leases) {
                        reg.timeToLive(lease).ifPresent(ttl -> expiries.put(lease, now.plus(ttl).toString()));
                    }
                }
            }
            if (etcdNode != null) {
                etcdNode.close();
            }
            List<Object> rows = new ArrayList<>();
            for (LabSpec.Node node : l.spec().nodes()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("node", node.name());
                row.put("ip", node.ip().toString());
                Lease lease = leases.stream().filter(x -> x.attrs().heldBy(node.name())).findFirst().orElse(null);
                row.put("publicIp", lease == null ? null : lease.attrs().publicIp().toString());
                row.put("interface", lease == null || lease.attrs().node() == null ? null : lease.attrs().node().iface());
                row.put("subnet", lease == null ? null : lease.subnet().toString());
                row.put("vtepMac", lease == null ? null : lease.attrs().vtepMac());
                row.put("leaseExpiry", lease == null ? null : expiries.get(lease));
                String agent;
                try (SshjShell sh = machines.connect(node)) {
                    agent = sh.exec(Provisioner.AGENT_ALIVE).ok() ? "running" : "stopped";
                } catch (VxlabException e) {
                    agent = "unreachable";
                }
                row.put("agent", agent);
                rows.add(row);
            }
            if (common.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lab", l.spec().name());
                m.put("etcd", etcdOn != null ? "on " + etcdOn : endpoint);
                m.put("nodes", rows);
                System.out.println(Json.write(m));
            } else {
                System.out.printf("%-10s %-15s %-15s %-6s %-16s %-18s %-25s %s%n", "NODE", "IP", "PUBLIC IP", "IFACE", "SUBNET", "VTEP MAC",
                        "LEASE EXPIRES", "AGENT");
                for (Object o : rows) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) o;
                    System.out.printf("%-10s %-15s %-15s %-6s %-16s %-18s %-25s %s%n", r.get("node"), r.get("ip"), dash(r.get("publicIp")),
                            dash(r.get("interface")), dash(r.get("subnet")), dash(r.get("vtepMac")), dash(r.get("leaseExpiry")), r.get("agent"));
                }
            }
            return OK;
        }

        static String dash(Object o) {
            return o == null ? "-" : o.toString();
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true, description = "Write every file that `up` would push, per node, under DIR; touch nothing else.")
    static class Render implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC")
        Path specFile;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws IOException {
            LabSpec spec = SpecLoader.load(specFile);
            Renderer renderer = new Renderer();
            List<String> endpoints = spec.etcd().mode() == LabSpec.EtcdMode.EXTERNAL
                    ? spec.etcd().endpoints().stream().map(URI::toString).toList()
                    : List.of("http://" + spec.underlay().hostIp() + ":2379");
            for (LabSpec.Node node : spec.nodes()) {
                for (RenderedFile f : renderer.render(spec, node, endpoints)) {
                    Path target = out.resolve(node.name()).resolve(f.path().substring(1));
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, f.content(), StandardCharsets.UTF_8);
                    System.out.println(target);
                }
            }
            return OK;
        }
    }

    @Command(name = "ssh", mixinStandardHelpOptions = true, description = "Open a shell on a lab node, or run CMD there (after --).")
    static class Ssh implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String lab;

        @Parameters(index = "1", paramLabel = "NODE")
        String node;

        @Parameters(index = "2..*", paramLabel = "CMD")
        List<String> cmd = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Lab l = Lab.resolve(lab);
            LabSpec.Node n = l.spec().nodes().stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow(() ->
                    new VxlabException("lab " + l.spec().name() + " has no node " + node,
                            "nodes: " + l.spec().nodes().stream().map(LabSpec.Node::name).toList()));
            Machines machines = machines(l.spec(), l.state(), s -> { });
            SshjShell.Target t = machines.target(n);
            machines.checkReach(t);
            List<String> ssh = new ArrayList<>(List.of("ssh", "-i", t.identity().toString(), "-p", String.valueOf(t.port()), "-o",
                    "UserKnownHostsFile=" + t.knownHosts(), "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR"));
            if (t.alias() != null) {
                ssh.addAll(List.of("-o", "HostKeyAlias=" + t.alias()));
            }
            ssh.add(t.user() + "@" + t.host());
            ssh.addAll(cmd);
            return new ProcessBuilder(ssh).inheritIO().start().waitFor();
        }
    }

}
