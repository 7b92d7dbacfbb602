package dev.vxlab.orchestrator.core;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.doctor.Doctor;
import dev.vxlab.orchestrator.doctor.EtcdFacts;
import dev.vxlab.orchestrator.doctor.FactsParser;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Report;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code vxlab doctor}: gathers the facts — one exec of doctor/gather.sh per node, all nodes at once, and etcd's
 * leases with their TTLs — and hands them to the pure rule engine ({@link Doctor}). A node that cannot be reached
 * becomes a fact too (VX017), and the others are still checked. A spec whose lab is not up gets the static rules.
 */
public final class LabDoctor {
    static final String GATHER = resource("/doctor/gather.sh");

    private final LabContext context;

    public LabDoctor(LabContext context) {
        this.context = context;
    }

    public Report examine(String specOrName, String onlyNode) {
        Lab l = Lab.resolve(context.home(), specOrName);
        if (onlyNode != null) {
            l.node(onlyNode);
        }
        if (!l.state().exists()) {
            return new Doctor().examine(LabFacts.staticOnly(l.spec()), onlyNode);
        }
        return new Doctor().examine(facts(l), onlyNode);
    }

    LabFacts facts(Lab l) {
        Machines machines = context.providers().machines(l.spec(), l.state());
        Map<String, NodeFacts> gathered = new ConcurrentHashMap<>();
        Parallel.forEach(l.spec().nodes(), node -> gathered.put(node.name(), gather(machines, node)));
        Map<String, NodeFacts> nodes = new LinkedHashMap<>();
        l.spec().nodes().forEach(n -> nodes.put(n.name(), gathered.get(n.name())));
        return new LabFacts(l.spec(), nodes, etcd(l, machines));
    }

    private static NodeFacts gather(Machines machines, LabSpec.Node node) {
        try (RemoteShell sh = machines.connect(node)) {
            RemoteShell.Result r = sh.exec("bash -c " + Shell.quote(GATHER));
            if (!r.stdout().contains("### link")) {
                return NodeFacts.unreachable(node.name(), "the facts script did not run: " + r.stderr().strip());
            }
            return FactsParser.parse(node.name(), r.stdout());
        } catch (VxlabException e) {
            return NodeFacts.unreachable(node.name(), e.getMessage());
        }
    }

    private static EtcdFacts etcd(Lab l, Machines machines) {
        // a cluster's members, each asked (VX018); one etcd is asked only for its leases (VX013), as before
        LabLeases.WithMembers both = LabLeases.readWithMembers(l, machines);
        LabLeases read = both.leases();
        String where = read.etcdOn() != null ? "on " + read.etcdOn() : read.endpoint();
        List<EtcdFacts.Member> members = both.members();
        if (read.error() != null) {
            return EtcdFacts.unreadable(where, read.error()).withMembers(members);
        }
        String prefix = l.spec().etcd().prefix();
        List<EtcdFacts.LeaseFact> leases = new ArrayList<>();
        for (Map.Entry<Lease, Long> e : read.ttls().entrySet()) {
            Lease lease = e.getKey();
            leases.add(new EtcdFacts.LeaseFact(SubnetKey.of(prefix, lease.subnet()), lease.subnet(), lease.attrs().toJson(),
                    lease.attrs(), e.getValue()));
        }
        return new EtcdFacts(where, null, read.config(), leases, members);
    }

    /** A text file of the orchestrator's jar (a script run on the nodes). */
    static String resource(String name) {
        try (InputStream in = LabDoctor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
