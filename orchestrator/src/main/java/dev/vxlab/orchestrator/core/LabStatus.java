package dev.vxlab.orchestrator.core;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vxlab status}: the labs that are up, or one lab's nodes — each with its lease as etcd holds it (public
 * IP, interface, subnet, VtepMAC, expiry) and whether its agent runs. A node or an etcd that cannot be reached is
 * shown so ("unreachable", no lease), not an error: status is what one runs when something is wrong.
 */
public final class LabStatus {
    private final LabContext context;

    public LabStatus(LabContext context) {
        this.context = context;
    }

    /** One node's row; null where nothing is known (no lease). */
    public record Node(String node, String ip, String publicIp, String iface, String subnet, String vtepMac, String leaseExpiry,
                       String agent) {
    }

    /**
     * {@code etcd}: "on NODE", or the endpoint vxlab read the leases from (null: none); {@code etcdMembers}: each
     * member vxlab started and how it answers now; {@code quorum}: what that means for the lab (null: no members).
     */
    public record Status(String lab, String etcd, List<Node> nodes, List<EtcdMember> etcdMembers, String quorum) {
        public Status(String lab, String etcd, List<Node> nodes) {
            this(lab, etcd, nodes, List.of(), null);
        }
    }

    /**
     * One etcd member: {@code on} "this machine" or its node; {@code health} healthy, "no leader" (it answers, cut off
     * from the majority), "down" (it does not answer) or "unreachable" (its node does not); {@code leader} as it says.
     */
    public record EtcdMember(String name, String on, String clientUrl, String health, boolean leader) {
        public boolean healthy() {
            return health.equals(EtcdQuorum.HEALTHY);
        }
    }

    /** The names of the labs that are up (those with a state file). */
    public List<String> labs() {
        List<String> names = new ArrayList<>();
        Path labs = context.home().resolve("labs");
        if (Files.isDirectory(labs)) {
            try (var s = Files.list(labs)) {
                s.filter(d -> Files.isRegularFile(d.resolve("state.json"))).forEach(d -> names.add(d.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    /** SPEC or NAME. */
    public Status status(String specOrName) {
        Lab l = Lab.resolve(context.home(), specOrName);
        Machines machines = context.providers().machines(l.spec(), l.state());
        LabLeases.WithMembers both = LabLeases.readWithMembers(l, machines);
        LabLeases read = both.leases();
        List<Lease> leases = read.leases();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Node> rows = new ArrayList<>();
        for (LabSpec.Node node : l.spec().nodes()) {
            Lease lease = leases.stream().filter(x -> x.attrs().heldBy(node.name())).findFirst().orElse(null);
            String agent;
            try (RemoteShell sh = machines.connect(node)) {
                agent = sh.exec(Provisioner.AGENT_ALIVE).ok() ? "running" : "stopped";
            } catch (VxlabException e) {
                agent = "unreachable";
            }
            rows.add(new Node(node.name(), node.ip().toString(),
                    lease == null ? null : lease.attrs().publicIp().toString(),
                    lease == null || lease.attrs().node() == null ? null : lease.attrs().node().iface(),
                    lease == null ? null : lease.subnet().toString(),
                    lease == null ? null : lease.attrs().vtepMac(),
                    lease == null || read.ttls().get(lease) == null ? null : now.plusSeconds(read.ttls().get(lease)).toString(), agent));
        }
        String etcd = read.etcdOn() != null ? "on " + read.etcdOn() : read.endpoint();
        List<EtcdMember> members = both.members().stream()
                .map(m -> new EtcdMember(m.name(), m.on(), m.clientUrl(), m.health(), m.leader())).toList();
        return new Status(l.spec().name(), read.error() == null ? etcd : etcd + " (not readable: " + read.error() + ")", rows,
                members, members.isEmpty() ? null : EtcdQuorum.summary(both.members(), l.spec().source() == null ? l.spec().name() : l.spec().source().toString()));
    }
}
