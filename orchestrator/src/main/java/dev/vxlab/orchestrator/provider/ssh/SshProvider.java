package dev.vxlab.orchestrator.provider.ssh;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.NodeCleanup;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Hosts a team already has ({@code provider: ssh}): each node's {@code ssh: {host, port, user, identityFile}}
 * and the spec's known_hosts, which must already hold every host's key (no first-use trust: these machines
 * were not made by vxlab). A user other than root works through {@code sudo -n}. Nothing is created here;
 * {@code down} undoes on each host what vxlab's steps put there ({@link NodeCleanup}).
 */
public final class SshProvider implements Machines {
    /** The lab's state key listing the nodes vxlab has opened a session to. */
    static final String REACHED = "reached";
    static final String TARGET = "sshTarget/";

    private final LabSpec spec;
    private final LabState state;
    private final Host host;
    private final Consumer<String> verbose;

    public SshProvider(LabSpec spec, LabState state, Host host, Consumer<String> verbose) {
        this.spec = spec;
        this.state = state;
        this.host = host;
        this.verbose = verbose;
    }

    /** The hosts are the user's: every file vxlab creates or replaces there is recorded for down. */
    @Override
    public boolean ownsMachines() {
        return false;
    }

    @Override
    public void preflight() {
        for (LabSpec.Node node : spec.nodes()) {
            if (node.ssh() == null) {
                throw new VxlabException("node " + node.name() + " has no ssh: facts", "provider ssh needs ssh: {knownHosts: ...} in " + spec.source());
            }
        }
    }

    @Override
    public void up(Consumer<String> progress) {
        state.put("provider", "ssh");
        for (LabSpec.Node node : spec.nodes()) {
            progress.accept(node.name() + " " + node.ssh().user() + "@" + node.ssh().host() + ":" + node.ssh().port() + " (existing host)");
        }
    }

    @Override
    public SshjShell.Target target(LabSpec.Node node) {
        LabSpec.Ssh s = node.ssh();
        return new SshjShell.Target(s.host(), s.port(), s.user(), s.identityFile(), s.knownHosts());
    }

    /** The hosts are the user's own machines on the user's network: nothing to check beyond the pinned host key. */
    @Override
    public void checkReach(SshjShell.Target target) {
        verbose.accept("ssh " + target.where());
    }

    @Override
    public Ip4 hostAddress() {
        return host.hasAddress(spec.underlay().hostIp()) ? spec.underlay().hostIp() : null;
    }

    /**
     * Opens a session and records in the lab's state that vxlab got onto this host, and where (down cleans up
     * exactly those hosts, at the address recorded, even if the spec was edited since). On the first contact a
     * host that already runs flannel (a flannel.&lt;VNI&gt; device, /run/flannel/subnet.env, a flanneld process) is
     * refused: vxlab would take those over, and down would remove them.
     */
    @Override
    public RemoteShell connect(LabSpec.Node node) {
        SshjShell.Target t = target(node);
        RemoteShell sh = open(t);
        if (!state.list(REACHED).contains(node.name())) {
            String holder = sh.exec("cat " + Provisioner.LAB_MARK + " 2>/dev/null; true").stdout().strip();
            if (!holder.isEmpty() && !holder.equals(spec.name())) {
                sh.close();
                throw new VxlabException(node.name() + " (" + t.where() + ") is held by lab " + holder + ": vxlab set it up for that lab, and two"
                        + " labs on one host would take each other's flannel device, agent and files",
                        "`vxlab down " + holder + "` first, or leave this host out of " + spec.source());
            }
            String dev = "flannel." + spec.network().vni();
            RemoteShell.Result r = sh.exec("[ -e /sys/class/net/" + dev + " ] && echo " + dev + "; [ -e " + Provisioner.SUBNET_ENV + " ] && echo "
                    + Provisioner.SUBNET_ENV + "; pgrep -x flanneld >/dev/null 2>&1 && echo flanneld; true");
            if (!r.stdout().isBlank()) {
                sh.close();
                throw new VxlabException(node.name() + " (" + t.where() + ") already has " + String.join(", ", r.stdout().strip().lines().toList())
                        + ": a flannel runs there, and vxlab does not take over what it did not make",
                        "stop and remove that flannel first, or leave this host out of " + spec.source());
            }
        }
        state.put(TARGET + node.name(), t.record());
        state.add(REACHED, node.name());
        return sh;
    }

    private RemoteShell open(SshjShell.Target t) {
        checkReach(t);
        return SshjShell.connect(t, 5000);
    }

    /** Where vxlab reached the node at up (the spec may have been edited since). */
    private SshjShell.Target recorded(LabSpec.Node node) {
        String r = state.string(TARGET + node.name());
        return r == null ? target(node) : SshjShell.Target.fromRecord(r);
    }

    /**
     * Cleans up the hosts vxlab ever opened a session to; a host it never got onto (its key unknown, the host
     * down at {@code up}) was not changed, so an {@code up} refused there does not leave a lab that cannot be
     * taken down. A host that does not answer (down, its sshd stopped, its key changed) or whose cleanup fails does
     * not stop the others: it comes back as a {@link Left}, and what the state records of it stays for the next down.
     */
    @Override
    public List<Left> down() {
        List<String> reached = state.list(REACHED);
        List<Left> left = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(spec.nodes().stream().filter(n -> reached.contains(n.name())).toList(), node -> {
            SshjShell.Target t = recorded(node);
            Left l = cleanUp(node.name(), t);
            if (l != null) {
                left.add(l);
                return;
            }
            state.remove(REACHED, node.name());
            state.put(TARGET + node.name(), null);
        });
        List<String> order = spec.nodes().stream().map(LabSpec.Node::name).toList();
        return left.stream().sorted(Comparator.comparingInt(l -> order.indexOf(l.node()))).toList();
    }

    /**
     * One host's cleanup; null when it is done, else what is left there. The failure becomes data here, per host, so
     * that every other host is still cleaned and down can say all that is left at once.
     */
    private Left cleanUp(String node, SshjShell.Target t) {
        RemoteShell sh;
        try {
            sh = open(t);
        } catch (VxlabException e) {
            // the connection's own hint too: a changed host key, a user without sudo need more than waiting
            return left(node, t, "it did not answer: " + e.getMessage(), "once " + node + " answers again (is the host up, its sshd running?"
                    + " try: ssh -p " + t.port() + " " + t.user() + "@" + t.host() + " true), `vxlab down " + spec.name() + "` finishes the job"
                    + (e.hint() == null ? "" : "; " + e.hint()));
        }
        try (sh) {
            NodeCleanup.run(sh, spec, state, node);
            return null;
        } catch (VxlabException e) {
            return left(node, t, e.getMessage(), e.hint());
        }
    }

    private Left left(String node, SshjShell.Target t, String reason, String hint) {
        return new Left(node, t.where(), reason, hint, NodeCleanup.leftBehind(spec, state, node),
                List.of(REACHED, TARGET + node, Provisioner.MADE_FILES + node,
                Provisioner.SAVED_FILES + node, Provisioner.ADDED_RULES + node));
    }
}
