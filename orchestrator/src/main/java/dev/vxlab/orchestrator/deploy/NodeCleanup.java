package dev.vxlab.orchestrator.deploy;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import dev.vxlab.orchestrator.verify.PingMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoes on a host that vxlab did not make (provider ssh) what its steps put there, and nothing else: the
 * agent (supervised process or systemd unit) and etcd it started, the flannel.&lt;VNI&gt; device and the
 * routes through it, the agent's own iptables chains and the lab's firewall rules, the test container and
 * its bridge docker0 (or the addresses vxlab added to a docker0 that was there), the
 * files vxlab created (recorded per node in the lab's state) — a file that was there before is put back
 * from the copy saved when vxlab first replaced it. Packages installed by the prepare step stay: other
 * software may use them by now.
 */
public final class NodeCleanup {
    private static final String RESTORE_FAILED = "vxlab-restore-failed ";

    private NodeCleanup() {
    }

    public static void run(RemoteShell sh, LabSpec spec, LabState state, String node) {
        StringBuilder s = new StringBuilder();
        s.append("if [ -f ").append(Provisioner.AGENT_PID).append(" ]; then kill \"$(cat ").append(Provisioner.AGENT_PID)
                .append(")\" 2>/dev/null; rm -f ").append(Provisioner.AGENT_PID).append("; fi; ");
        s.append("if [ -d /run/systemd/system ] && [ -f /etc/systemd/system/vxlabd.service ]; then systemctl disable --now vxlabd >/dev/null 2>&1; fi; ");
        s.append("if [ -f /run/vxlab-etcd.pid ]; then kill \"$(cat /run/vxlab-etcd.pid)\" 2>/dev/null; rm -f /run/vxlab-etcd.pid; fi; ");
        s.append("command -v docker >/dev/null 2>&1 && docker rm -f vxlab-etcd >/dev/null 2>&1; ");
        s.append("ip link del flannel.").append(spec.network().vni()).append(" 2>/dev/null; ");
        s.append("ip netns del vxtest 2>/dev/null; ip link del vxtest0 2>/dev/null; ");
        // the test container's bridge: deleted when vxlab made it, else only the addresses vxlab gave it
        s.append("if [ -f ").append(PingMatrix.MADE_BRIDGE).append(" ]; then ip link del docker0 2>/dev/null; elif [ -f ")
                .append(PingMatrix.ADDED_ADDRESSES).append(" ]; then while read -r a; do ip addr del \"$a\" dev docker0 2>/dev/null; done < ")
                .append(PingMatrix.ADDED_ADDRESSES).append("; fi; ");
        // the agent's chains: the jumps into them, then the chains
        s.append("for t in filter nat; do for c in VXLAB-FWD VXLAB-POSTRTG; do ")
                .append("iptables -t $t -S 2>/dev/null | grep -e \"-j $c\\( \\|$\\)\" | sed 's/^-A /-D /' | while read -r r; do eval iptables -t $t \"$r\"; done; ")
                .append("iptables -t $t -F $c 2>/dev/null && iptables -t $t -X $c 2>/dev/null; done; done; ");
        // the firewall rules vxlab added (a rule that was there before up stays)
        for (String rule : state.list(Provisioner.ADDED_RULES + node)) {
            s.append("iptables -D ").append(rule).append(" 2>/dev/null; ");
        }
        for (String path : state.list(Provisioner.MADE_FILES + node)) {
            s.append("rm -f ").append(Shell.quote(path)).append("; ");
        }
        for (String path : state.list(Provisioner.SAVED_FILES + node)) {
            s.append("if [ -f ").append(Shell.quote(path + Provisioner.SAVED)).append(" ]; then mv -f ").append(Shell.quote(path + Provisioner.SAVED))
                    .append(" ").append(Shell.quote(path)).append(" || echo ").append(Shell.quote(RESTORE_FAILED + path)).append("; fi; ");
        }
        // systemd must forget the unit and the docker drop-in that are gone
        s.append("[ -d /run/systemd/system ] && systemctl daemon-reload >/dev/null 2>&1; ");
        s.append("rm -rf ").append(String.join(" ", List.of(Provisioner.AGENT_HOME, "/var/lib/vxlab", Provisioner.SUBNET_ENV,
                "/run/flannel/docker_opts.env", Provisioner.AGENT_LOG, "/var/log/vxlab-etcd.log"))).append("; true");
        RemoteShell.Result r = sh.exec(s.toString());
        List<String> notRestored = r.stdout().lines().filter(l -> l.startsWith(RESTORE_FAILED))
                .map(l -> l.substring(RESTORE_FAILED.length())).toList();
        if (!r.ok() || !notRestored.isEmpty()) {
            throw new VxlabException("cleaning up " + node + " failed: " + (notRestored.isEmpty() ? r.stderr().trim()
                    : "could not put back " + String.join(", ", notRestored) + " from its " + Provisioner.SAVED + " copy"),
                    "vxlab ssh " + spec.name() + " " + node + "; then `vxlab down` again (what is left is still recorded)");
        }
        state.put(Provisioner.MADE_FILES + node, null);
        state.put(Provisioner.SAVED_FILES + node, null);
        state.put(Provisioner.ADDED_RULES + node, null);
    }

    /** What {@link #run} would remove on {@code node}, in words, as the lab's state records it: for a down that could not. */
    public static List<String> leftBehind(LabSpec spec, LabState state, String node) {
        List<String> what = new ArrayList<>(List.of("the agent vxlabd", "flannel." + spec.network().vni(), "the agent's iptables chains"));
        if (node.equals(state.string("etcdOn"))) {
            what.add("the lab's etcd");
        }
        int rules = state.list(Provisioner.ADDED_RULES + node).size();
        if (rules > 0) {
            what.add(rules + " iptables rule" + (rules == 1 ? "" : "s") + " vxlab added");
        }
        List<String> made = state.list(Provisioner.MADE_FILES + node);
        if (!made.isEmpty()) {
            what.add(made.size() + " file" + (made.size() == 1 ? "" : "s") + " vxlab made (" + String.join(", ", made) + ")");
        }
        List<String> saved = state.list(Provisioner.SAVED_FILES + node);
        if (!saved.isEmpty()) {
            what.add(saved.size() + " file" + (saved.size() == 1 ? "" : "s") + " to put back from the " + Provisioner.SAVED + " copy ("
                    + String.join(", ", saved) + ")");
        }
        return what;
    }
}
