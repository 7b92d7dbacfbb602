package dev.vxlab.orchestrator.deploy;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.render.FirewallRule;
import dev.vxlab.orchestrator.render.Renderer;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Provisions one node over SSH, the way the flannel-era Ansible recipes did: rendered files in place
 * (changed or unchanged), the firewall rules a working flannel cluster needs, the agent installed and
 * started, its subnet.env awaited. Every step is idempotent: a re-run reports "unchanged" and restarts
 * nothing that is already right.
 */
public final class Provisioner {
    public static final String AGENT_HOME = "/opt/vxlab";
    public static final String AGENT_LIB = AGENT_HOME + "/lib";
    public static final String AGENT_JAR = AGENT_LIB + "/vxlabd.jar";
    public static final String AGENT_BIN = AGENT_HOME + "/bin/vxlabd";
    public static final String AGENT_LOG = "/var/log/vxlabd.log";
    public static final String AGENT_PID = "/run/vxlabd.pid";
    /** The agent's node ID file (vxlabd's default --node-id-file): made by the agent on its first start. */
    public static final String NODE_ID = "/var/lib/vxlab/node-id";
    /** The name of the lab that holds the host, written before its first file (down removes /var/lib/vxlab). */
    public static final String LAB_MARK = "/var/lib/vxlab/lab";
    /** (Re)starts the agent on a node: what {@code up} runs where there is no systemd, and what a student runs after a fix. */
    public static final String AGENT_RESTART = AGENT_HOME + "/bin/vxlabd-restart";
    public static final String SUBNET_ENV = "/run/flannel/subnet.env";
    /**
     * Succeeds when the agent of the pid file runs. A zombie does not count: an agent stopped after the SSH session
     * that started it ended is reaped by init, perhaps a second later, and until then {@code kill -0} still succeeds.
     */
    public static final String AGENT_PID_RUNS = "p=$(cat " + AGENT_PID + " 2>/dev/null) && [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null"
            + " && ! grep -q '^State:[[:space:]]*Z' \"/proc/$p/status\" 2>/dev/null";
    /** Succeeds when the agent runs, supervised by vxlab (pid file) or by systemd. */
    public static final String AGENT_ALIVE = "{ " + AGENT_PID_RUNS + "; } || systemctl is-active -q vxlabd 2>/dev/null";

    /** The lab's state keys (+ node name) of what vxlab put on a host it did not make: files made, files replaced, rules added. */
    public static final String MADE_FILES = "made/";
    public static final String SAVED_FILES = "saved/";
    public static final String ADDED_RULES = "rules/";

    /** Suffix of the copy kept of a file that existed before vxlab first replaced it (provider ssh). */
    public static final String SAVED = ".vxlab-orig";

    private final LabSpec spec;
    private final LabState state;

    public Provisioner(LabSpec spec) {
        this(spec, null);
    }

    /**
     * {@code state}: when given (hosts vxlab did not make: provider ssh), each file vxlab creates is recorded,
     * and a file that was already there is copied aside once, so that {@code down} can undo exactly that.
     */
    public Provisioner(LabSpec spec, LabState state) {
        this.spec = spec;
        this.state = state;
    }

    /** One line of the step report: "kube1 /etc/sysconfig/flanneld changed". */
    public record Outcome(String what, boolean changed) {
    }

    public List<Outcome> pushFiles(RemoteShell sh, String node, List<RenderedFile> files) {
        List<Outcome> out = new ArrayList<>();
        sh.put(LAB_MARK, (spec.name() + "\n").getBytes(StandardCharsets.UTF_8), "0644");
        for (RenderedFile f : files) {
            if (state != null) {
                track(sh, node, f.path());
            }
            out.add(new Outcome(f.path(), sh.put(f.path(), f.content().getBytes(StandardCharsets.UTF_8), f.mode())));
        }
        return out;
    }

    private void track(RemoteShell sh, String node, String path) {
        if (state.list(MADE_FILES + node).contains(path) || state.list(SAVED_FILES + node).contains(path)) {
            return;
        }
        String q = Shell.quote(path);
        RemoteShell.Result r = sh.exec("if [ -e " + q + " ]; then cp -p " + q + " " + Shell.quote(path + SAVED) + " && echo saved; else echo new; fi");
        if (!r.ok()) {
            throw new VxlabException("cannot keep a copy of " + path + " on " + node + ": " + r.stderr().trim(), null);
        }
        state.add((r.stdout().contains("saved") ? SAVED_FILES : MADE_FILES) + node, path);
    }

    /**
     * With firewalld running: when its direct rules are not the lab's, reload it (it reads the direct.xml just
     * pushed) and check that they are now. Otherwise the same rules with iptables, each added only when
     * `iptables -C` does not find it.
     */
    public Outcome firewall(RemoteShell sh, String node) {
        if (spec.firewall() == LabSpec.Firewall.NONE) {
            return new Outcome("firewall (none)", false);
        }
        if (spec.firewall() == LabSpec.Firewall.FIREWALLD && sh.exec("firewall-cmd --state").ok()) {
            return firewalld(sh, node);
        }
        // the rules direct.xml holds, applied with iptables: one rule spec each, added only when missing
        List<String> rules = FirewallRule.forLab(spec).stream()
                .map(r -> Shell.quote(r.chain()) + " " + String.join(" ", r.args().stream().map(Shell::quote).toList())).toList();
        boolean changed = false;
        for (String rule : rules) {
            if (sh.exec("iptables -C " + rule + " 2>/dev/null").ok()) {
                continue;
            }
            // recorded before it is added: a rule added by an up that was stopped right after would otherwise be found
            // by the next up's `iptables -C`, never recorded, and left behind by down
            if (state != null) {
                state.add(ADDED_RULES + node, rule);
            }
            RemoteShell.Result r = sh.exec("iptables -I " + rule);
            if (!r.ok()) {
                throw new VxlabException("iptables rule `" + rule + "` failed on " + node + ": " + r.stderr().trim(), "is iptables installed on the node?");
            }
            changed = true;
        }
        return new Outcome("iptables rules" + (spec.firewall() == LabSpec.Firewall.FIREWALLD ? " (firewalld not running)" : ""), changed);
    }

    /**
     * A reload only when firewalld's direct rules differ from the lab's: a reload flushes the tables (the agent's
     * chains too, which it restores within seconds), so a re-run that changes nothing does not reload.
     */
    private Outcome firewalld(RemoteShell sh, String node) {
        Set<String> wanted = FirewallRule.forLab(spec).stream().map(FirewallRule::directRule).collect(Collectors.toSet());
        if (wanted.equals(directRules(sh))) {
            return new Outcome("firewalld direct rules (" + Renderer.FIREWALLD_DIRECT_XML + ")", false);
        }
        RemoteShell.Result r = sh.exec("firewall-cmd --reload");
        if (!r.ok()) {
            throw new VxlabException("firewall-cmd --reload failed on " + node + ": " + r.stderr().trim(), "check " + Renderer.FIREWALLD_DIRECT_XML + " on the node");
        }
        Set<String> loaded = directRules(sh);
        if (!wanted.equals(loaded)) {
            throw new VxlabException("firewalld on " + node + " did not load the lab's rules from " + Renderer.FIREWALLD_DIRECT_XML + " (it holds "
                    + (loaded.isEmpty() ? "none" : String.join("; ", loaded)) + ")", "firewalld's log on the node: /var/log/firewalld");
        }
        return new Outcome("firewalld reloaded with " + Renderer.FIREWALLD_DIRECT_XML, true);
    }

    /** The direct rules the running firewalld holds, one "ipv4 filter CHAIN PRIORITY ARGS" each. */
    private static Set<String> directRules(RemoteShell sh) {
        RemoteShell.Result r = sh.exec("firewall-cmd --direct --get-all-rules");
        return r.ok() ? r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toSet()) : Set.of();
    }

    /**
     * The agent's restart script: systemd's unit where systemd runs the agent, else stop the running one (waiting
     * up to 5 s for it to exit) and, unless asked only to stop ({@code stop}), start a new one in the background, detached from the session, its output
     * appended to the log. Only the agent goes to the background, with no descriptor of the SSH session left open;
     * the class-data-sharing archive mapped when it is beside the jar (a netns lab's shared lib, made once by vxlab), but
     * no training run (on a lab machine every node would build its own at once).
     */
    static final String RESTART_SCRIPT = "#!/bin/sh\n"
            + "# vxlabd-restart [stop]: (re)starts vxlab's agent on this node, or only stops it. Installed by vxlab; `vxlab down`"
            + " removes it.\n"
            + "if [ -d /run/systemd/system ] && systemctl cat vxlabd >/dev/null 2>&1; then\n"
            + "  if [ \"$1\" = stop ]; then exec systemctl stop vxlabd; fi; exec systemctl restart vxlabd\n"
            + "fi\n"
            // a zombie counts as gone: an agent started by an SSH session that has ended is reaped by init, maybe a second later
            + "running() { [ -r \"/proc/$1/status\" ] && ! grep -q '^State:[[:space:]]*Z' \"/proc/$1/status\"; }\n"
            + "pid=$(cat " + AGENT_PID + " 2>/dev/null)\n"
            + "if [ -n \"$pid\" ] && running \"$pid\"; then\n"
            + "  kill \"$pid\"; i=0; while running \"$pid\" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n"
            + "fi\n"
            + "if [ \"$1\" = stop ]; then echo \"vxlabd stopped\"; exit 0; fi\n"
            + "mkdir -p /var/log; cd /\n"
            // the agent's own process writes the pid file before it starts (the shell execs the launcher, which execs java):
            // a session cut between starting it and `echo $!` (vxlab killed mid-way) leaves no agent that down and the next
            // up cannot see
            + "rm -f " + AGENT_PID + "\n"
            + "VXLABD_CDS=use setsid sh -c 'echo $$ > " + AGENT_PID + " && exec " + AGENT_BIN + "' >>" + AGENT_LOG + " 2>&1 </dev/null &\n"
            // done once the pid file names the new agent: what checks it next (up's lease wait, status) must not read none
            + "i=0; while [ ! -s " + AGENT_PID + " ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done\n"
            + "echo \"vxlabd started (pid $!); its log: " + AGENT_LOG + "\"\n";

    /**
     * Installs the agent (jar, launcher, restart script) and (re)starts it when anything changed or it is not running;
     * {@code jar} null: the node sees the jar where vxlab wrote it on this machine ({@code Machines.sharedAgentLib}),
     * nothing is uploaded or hashed on the node (19 MB read by sha256sum on every node at once), and {@code jarChanged}
     * says whether it was replaced there.
     */
    public Outcome agent(RemoteShell sh, byte[] jar, byte[] launcher, boolean jarChanged) {
        boolean changed = (jar != null && sh.put(AGENT_JAR, jar, "0644")) | jarChanged;
        changed |= sh.put(AGENT_BIN, launcher, "0755");
        changed |= sh.put(AGENT_RESTART, RESTART_SCRIPT.getBytes(StandardCharsets.UTF_8), "0755");
        boolean systemd = sh.exec("[ -d /run/systemd/system ]").ok();
        if (systemd) {
            RemoteShell.Result r = sh.exec("systemctl daemon-reload && systemctl enable vxlabd >/dev/null 2>&1; "
                    + (changed ? "systemctl restart vxlabd" : "systemctl is-active -q vxlabd || systemctl start vxlabd"));
            if (!r.ok()) {
                throw new VxlabException("starting vxlabd with systemd failed: " + r.stderr().trim(), "journalctl -u vxlabd on the node");
            }
            return new Outcome("vxlabd (systemd)", changed);
        }
        if (!changed && sh.exec(AGENT_PID_RUNS).ok()) {
            return new Outcome("vxlabd (running)", false);
        }
        String start = "rm -f " + SUBNET_ENV + "; " + AGENT_RESTART;
        RemoteShell.Result r = sh.exec(start);
        if (!r.ok()) {
            throw new VxlabException("starting vxlabd failed: " + r.stderr().trim(), "see " + AGENT_LOG + " on the node");
        }
        return new Outcome("vxlabd started", true);
    }

    /**
     * Waits for subnet.env; when the agent exits first, fails with the agent's own explanation. The wait runs on the
     * node, one command looking every 20 ms (whether the agent still runs, every 200 ms), instead of a command over
     * SSH every 50 ms: every such command costs the node an sshd session and a shell, CPU that the agents starting
     * beside it need.
     */
    public String awaitLease(RemoteShell sh, String node, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
            RemoteShell.Result r = sh.exec(awaitLeaseCommand(left));
            if (r.exitCode() == 0 && r.stdout().contains("FLANNEL_SUBNET=")) {
                return r.stdout();
            }
            if (r.exitCode() == AGENT_GONE) {
                throw new VxlabException("vxlabd on " + node + " exited without a lease:\n" + indent(explanation(sh)),
                        "the agent's log: vxlab ssh " + spec.name() + " " + node + " -- tail " + AGENT_LOG);
            }
            if (r.exitCode() != 0 && r.exitCode() != LEASE_LATE) {
                throw new VxlabException("waiting for vxlabd's lease on " + node + " failed: " + (r.stdout() + r.stderr()).strip(),
                        "vxlab ssh " + spec.name() + " " + node + " -- cat " + SUBNET_ENV);
            }
            pause(50);
        }
        throw new VxlabException("vxlabd on " + node + " holds no lease after " + seconds + " s",
                "vxlab ssh " + spec.name() + " " + node + " -- tail " + AGENT_LOG);
    }

    /** Exit codes of {@link #awaitLeaseCommand}: the agent is not running; no lease within the time. */
    public static final int AGENT_GONE = 3;
    public static final int LEASE_LATE = 4;

    /** On the node: prints subnet.env once it is there (the agent writes it whole, by a rename), for at most {@code seconds}. */
    static String awaitLeaseCommand(long seconds) {
        return "n=0; while :; do if [ -s " + SUBNET_ENV + " ]; then cat " + SUBNET_ENV + "; exit 0; fi; "
                + "if [ $((n % 10)) -eq 0 ] && ! { " + AGENT_ALIVE + "; }; then exit " + AGENT_GONE + "; fi; "
                + "n=$((n+1)); if [ $n -gt " + seconds * 50 + " ]; then exit " + LEASE_LATE + "; fi; sleep 0.02; done";
    }

    /**
     * The agent's own explanation: the ERROR and hint lines its last start wrote (not those of earlier starts). Read
     * again for up to 3 s while there are none: seen on a docker-provider machine, the first read came before them.
     */
    private static String explanation(RemoteShell sh) {
        String read = "awk '/ vxlabd starting: /{b=\"\"} /ERROR|refusing|hint/{b=b $0 \"\\n\"} END{printf \"%s\", b}' "
                + Shell.quote(AGENT_LOG) + " | tail -5";
        long until = System.nanoTime() + 3_000_000_000L;
        String log = sh.exec(read).stdout().trim();
        while (log.isEmpty() && System.nanoTime() < until) {
            pause(200);
            log = sh.exec(read).stdout().trim();
        }
        return log.isEmpty() ? "(no error in " + AGENT_LOG + "; its last lines:)\n" + sh.exec("tail -5 " + Shell.quote(AGENT_LOG)).stdout().trim() : log;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted", null, e);
        }
    }

    static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }
}
