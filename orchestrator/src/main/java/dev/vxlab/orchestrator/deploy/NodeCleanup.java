package dev.vxlab.orchestrator.deploy;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.render.FirewallRule;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import dev.vxlab.orchestrator.verify.PingMatrix;
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
        if (spec.firewall() != LabSpec.Firewall.NONE) {
            for (FirewallRule r : FirewallRule.forLab(spec)) {
                String rule = Shell.quote(r.chain()) + " " + String.join(" ", r.args().stream().map(Shell::quote).toList());
                s.append("iptables -D ").append(rule).append(" 2>/dev/null; ");
            }
        }
        for (String path : state.list("made/" + node)) {
            s.append("rm -f ").append(Shell.quote(path)).append("; ");
        }
        for (String path : state.list("saved/" + node)) {
            s.append("[ -f ").append(Shell.quote(path + Provisioner.SAVED)).append(" ] && mv -f ").append(Shell.quote(path + Provisioner.SAVED))
                    .append(" ").append(Shell.quote(path)).append("; ");
        }
        s.append("rm -rf ").append(String.join(" ", List.of(Provisioner.AGENT_HOME, "/var/lib/vxlab", Provisioner.SUBNET_ENV,
                "/run/flannel/docker_opts.env", Provisioner.AGENT_LOG, "/var/log/vxlab-etcd.log"))).append("; true");
        RemoteShell.Result r = sh.exec(s.toString());
        if (!r.ok()) {
            throw new VxlabException("cleaning up " + node + " failed: " + r.stderr().trim(), "vxlab ssh " + spec.name() + " " + node);
        }
        state.put("made/" + node, null);
        state.put("saved/" + node, null);
    }
}
