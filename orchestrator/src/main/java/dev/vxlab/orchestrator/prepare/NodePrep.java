package dev.vxlab.orchestrator.prepare;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gets a node ready for the agent, over SSH: what system it is, and a Java runtime for the agent — the node's
 * own when it has Java 17 or newer, else the jlink-ed runtime uploaded once into {@value #JRE}. Idempotent:
 * each part reports changed or unchanged.
 */
public final class NodePrep {
    public static final String JRE = Provisioner.AGENT_HOME + "/jre";

    private final Supplier<JavaRuntime.Archive> runtime;

    /** {@code runtime}: built on first need only (a lab whose nodes all have Java never runs jlink). */
    public NodePrep(Supplier<JavaRuntime.Archive> runtime) {
        this.runtime = runtime;
    }

    /**
     * The system (/etc/os-release) and the packages the lab needs on it: iproute2 always, iptables (the agent's
     * FORWARD and masquerade chains, the firewall fallback), firewalld when the spec asks for it, Docker where
     * etcd runs in a container on the node. Installs what is missing with the family's package manager.
     */
    public Provisioner.Outcome packages(RemoteShell sh, String node, PackagePlan.Needs needs) {
        OsRelease os = OsRelease.parse(sh.exec("cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null").stdout());
        Set<String> present = CommandProbe.parse(sh.exec(CommandProbe.COMMAND).stdout());
        PackagePlan plan = PackagePlan.plan(os, present, needs);
        String system = os.prettyName() == null || os.prettyName().isBlank() ? os.id() : os.prettyName();
        for (String command : plan.commands()) {
            RemoteShell.Result r = sh.exec(command);
            if (!r.ok()) {
                String err = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
                throw new VxlabException("installing " + String.join(" ", plan.packages()) + " on " + node + " failed: `" + command + "`: "
                        + err.substring(Math.max(0, err.length() - 400)), "can the node reach its package mirror? install them by hand, then `vxlab up` again");
            }
        }
        if (!plan.manual().isEmpty()) {
            PackagePlan.Manual m = plan.manual().get(0);
            throw new VxlabException(node + " (" + system + "): " + m.reason(), m.hint());
        }
        return new Provisioner.Outcome(system + (plan.unchanged() ? ", packages present" : ", installed " + String.join(" ", plan.packages())),
                !plan.unchanged());
    }

    /** Java for the agent; returns the outcome line. */
    public Provisioner.Outcome java(RemoteShell sh) {
        RemoteShell.Result own = sh.exec("java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'");
        String version = own.stdout().trim();
        if (own.ok() && version.matches("\\d+") && Integer.parseInt(version) >= 17) {
            return new Provisioner.Outcome("java " + version + " (the node's own)", false);
        }
        JavaRuntime.Archive archive = runtime.get();
        String marker = JRE + "/.vxlab-id";
        if (sh.exec("[ \"$(cat " + marker + " 2>/dev/null)\" = " + Shell.quote(archive.id()) + " ]").ok()) {
            return new Provisioner.Outcome("java runtime " + JRE, false);
        }
        String tgz = Provisioner.AGENT_HOME + "/jre.tar.gz";
        sh.put(tgz, archive.content(), "0644");
        RemoteShell.Result r = sh.exec("set -e; rm -rf " + JRE + ".new; mkdir -p " + JRE + ".new; tar -xzf " + tgz + " -C " + JRE + ".new; "
                + "echo " + Shell.quote(archive.id()) + " > " + JRE + ".new/.vxlab-id; rm -rf " + JRE + "; mv " + JRE + ".new " + JRE + "; rm -f " + tgz
                + "; " + JRE + "/bin/java -version 2>&1 | head -1");
        if (!r.ok()) {
            throw new VxlabException("cannot unpack the Java runtime into " + JRE + ": " + r.stderr().trim(), "does the node have tar and gzip?");
        }
        return new Provisioner.Outcome("java runtime " + JRE + " (" + r.stdout().trim() + ")", true);
    }
}
