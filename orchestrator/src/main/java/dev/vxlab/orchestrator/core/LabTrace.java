package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.trace.Narrative;
import dev.vxlab.orchestrator.trace.NodePath;
import dev.vxlab.orchestrator.trace.Ping;
import dev.vxlab.orchestrator.trace.Tcpdump;
import dev.vxlab.orchestrator.trace.TraceReport;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import dev.vxlab.orchestrator.verify.PingMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code vxlab trace}: one ping from the test container on SRC to the one on DST, captured on both nodes' bridge,
 * VXLAN device and underlay interface, decoded and told hop by hop ({@link Narrative}). Everything runs on the
 * two nodes through their shells: captures and the ping stay inside the lab's namespaces. The captures start
 * before the ping and are stopped after it whatever happens in between (each is also bounded by tcpdump's own
 * timeout and packet count). When no reply comes, the doctor's rules ({@link LabDoctor}) name the cause.
 */
public final class LabTrace {
    static final String FACTS = LabDoctor.resource("/trace/facts.sh");

    private final LabContext context;

    public LabTrace(LabContext context) {
        this.context = context;
    }

    /** SPEC or NAME of a lab that is up; {@code keepDir} (null: none) receives the pcaps as NODE-IFACE.pcap. */
    public TraceReport trace(String specOrName, String src, String dst, Path keepDir) {
        Lab l = Lab.resolve(context.home(), specOrName);
        LabSpec spec = l.spec();
        LabSpec.Node from = Lab.node(spec, src);
        LabSpec.Node to = Lab.node(spec, dst);
        if (src.equals(dst)) {
            throw new BadInputException("trace needs two nodes: SRC and DST are both " + src, "trace " + src + " to another node: " + others(spec, src));
        }
        if (spec.network().backendType() != LabSpec.Backend.VXLAN) {
            throw new BadInputException("lab " + spec.name() + " uses the " + spec.network().backend() + " backend: trace follows VXLAN packets",
                    "vxlab verify " + spec.name() + " pings every pair");
        }
        if (!l.state().exists()) {
            throw new VxlabException("lab " + spec.name() + " is not up", "vxlab up SPEC first");
        }
        int port = spec.network().port() == 0 ? 8472 : spec.network().port();
        String device = "flannel." + spec.network().vni();
        Machines machines = context.providers().machines(spec, l.state());
        Map<String, RemoteShell> shells = new ConcurrentHashMap<>();
        try {
            Parallel.forEach(List.of(from, to), n -> shells.put(n.name(), machines.connect(n)));
            Captured c = run(spec, List.of(from, to), shells, device, port);
            TraceReport t = c.trace();
            if (keepDir != null) {
                t = t.withPcaps(keep(keepDir, c.taken()));
            }
            if (!t.replied()) {
                shells.values().forEach(RemoteShell::close);
                shells.clear();
                List<Finding> findings = new LabDoctor(context).examine(specOrName, null).findings();
                t = t.explainedBy(findings);
            }
            return t;
        } finally {
            shells.values().forEach(RemoteShell::close);
        }
    }

    /** The narrative, and the captures it was told from (by node, then interface). */
    private record Captured(TraceReport trace, Map<String, Map<String, Tcpdump.Taken>> taken) {
    }

    private Captured run(LabSpec spec, List<LabSpec.Node> pair, Map<String, RemoteShell> shells, String device, int port) {
        Map<String, String> ips = new ConcurrentHashMap<>();
        Parallel.forEach(pair, n -> ips.put(n.name(), PingMatrix.ensureContainer(shells.get(n.name()), n.name())));
        Map<String, NodePath> paths = new ConcurrentHashMap<>();
        Parallel.forEach(pair, n -> {
            String peer = ips.get(other(pair, n).name());
            RemoteShell.Result r = shells.get(n.name()).exec("bash -c " + Shell.quote(FACTS) + " trace " + Shell.quote(peer) + " " + Shell.quote(device));
            NodePath p = NodePath.parse(n.name(), n.ip(), device, r.stdout());
            if (!p.tcpdump()) {
                throw new VxlabException("tcpdump is not installed on " + n.name(), "apt-get install tcpdump (dnf install tcpdump) on the node");
            }
            paths.put(n.name(), p);
        });
        Map<String, String> dirs = new ConcurrentHashMap<>();
        Map<String, Map<String, Tcpdump.Taken>> taken = new ConcurrentHashMap<>();
        Ping ping;
        try {
            Parallel.forEach(pair, n -> {
                NodePath p = paths.get(n.name());
                RemoteShell.Result r = shells.get(n.name()).exec("bash -c " + Shell.quote(Tcpdump.start(p.captureInterfaces(), p.underlay())));
                String dir = Tcpdump.directory(r.stdout());
                if (dir == null) {
                    throw new VxlabException("cannot start tcpdump on " + n.name() + ": " + (r.stderr() + r.stdout()).strip(), null);
                }
                dirs.put(n.name(), dir);
            });
            String dstIp = ips.get(pair.get(1).name());
            RemoteShell.Result r = shells.get(pair.get(0).name()).exec("ip netns exec vxtest ping -c 1 -W 2 " + Shell.quote(dstIp));
            ping = Ping.parse(r.exitCode(), r.stdout() + r.stderr());
        } finally {
            Parallel.forEach(pair, n -> {
                String dir = dirs.get(n.name());
                if (dir != null) {
                    RemoteShell.Result r = shells.get(n.name()).exec("bash -c " + Shell.quote(Tcpdump.stop(dir, paths.get(n.name()).captureInterfaces())));
                    taken.put(n.name(), Tcpdump.parseStop(r.stdout()));
                }
            });
        }
        Map<String, Map<String, Tcpdump.Taken>> ordered = new LinkedHashMap<>();
        pair.forEach(n -> ordered.put(n.name(), taken.get(n.name())));
        TraceReport t = Narrative.build(new Narrative.Input(spec.name(), port, spec.network().vni(), paths.get(pair.get(0).name()),
                paths.get(pair.get(1).name()), ordered, ping));
        return new Captured(t, ordered);
    }

    /** Writes every capture to {@code dir} as NODE-IFACE.pcap; returns their paths. */
    private static List<String> keep(Path dir, Map<String, Map<String, Tcpdump.Taken>> taken) {
        List<String> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Map<String, Tcpdump.Taken>> node : taken.entrySet()) {
                for (Tcpdump.Taken t : node.getValue().values()) {
                    if (t.pcap() != null) {
                        Path f = dir.resolve(node.getKey() + "-" + t.iface() + ".pcap");
                        Files.write(f, t.pcap());
                        files.add(f.toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new VxlabException("cannot keep the pcaps in " + dir + ": " + e.getMessage(), "give --keep-pcap a directory you can write", e);
        }
        return files;
    }

    private static String others(LabSpec spec, String but) {
        return String.join(", ", spec.nodes().stream().map(LabSpec.Node::name).filter(n -> !n.equals(but)).toList());
    }

    private static LabSpec.Node other(List<LabSpec.Node> pair, LabSpec.Node n) {
        return pair.get(0) == n ? pair.get(1) : pair.get(0);
    }
}
