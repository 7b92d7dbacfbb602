package dev.vxlab.orchestrator.etcd;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * etcd on a lab node, the flannel-era recipe ({@code etcd: {mode: process|container, on: kube1}}): the
 * agents' endpoint is that node's underlay address; vxlab itself talks to it through a port forwarded over
 * the node's SSH session (127.0.0.1 here), so nothing is routed from this machine into the lab.
 * <ul>
 *   <li>{@code process}: this machine's etcd binary (Debian's is linked against glibc only) copied to
 *   {@value #BIN} and started as a supervised background process (pid file {@value #PID}, log {@value #LOG});</li>
 *   <li>{@code container}: {@code docker run --network host} on the node (Docker installed by the prepare step);</li>
 *   <li>{@code auto}: container when Docker answers on the node, else process.</li>
 * </ul>
 * A re-run finds etcd healthy and changes nothing.
 */
public final class NodeEtcd {
    static final String BIN = "/opt/vxlab/etcd/bin/etcd";
    static final String DATA = "/var/lib/vxlab/etcd";
    static final String PID = "/run/vxlab-etcd.pid";
    static final String LOG = "/var/log/vxlab-etcd.log";
    static final String CONTAINER = EtcdCluster.NODE_CONTAINER;

    private final Host host;
    private final EtcdGateway gateway;

    public NodeEtcd(Host host, EtcdGateway gateway) {
        this.host = host;
        this.gateway = gateway;
    }

    /** What was started: for the agents {@code endpoints}; for vxlab, {@code local} (a forwarded port to the first member). */
    public record Started(String mode, String why, List<String> endpoints, String local) {
    }

    /**
     * Starts every member of the lab's etcd on its node ({@code shells} by node name), or finds it running; a member
     * that is down is started again and rejoins from its data. Waits until every member is healthy.
     */
    public Started start(LabSpec spec, Map<String, RemoteShell> shells, LabState state) {
        List<EtcdCluster.Member> members = EtcdCluster.members(spec);
        state.put("etcdOn", members.get(0).node());
        state.put("etcdEndpoint", null);
        Map<EtcdCluster.Member, String> locals = new LinkedHashMap<>();
        Map<String, String> modes = new LinkedHashMap<>();
        List<String> whys = new ArrayList<>();
        List<String> started = new ArrayList<>();
        for (EtcdCluster.Member m : members) {
            RemoteShell sh = shells.get(m.node());
            String local = forward(spec, sh);
            locals.put(m, local);
            boolean docker = sh.exec("docker info >/dev/null 2>&1").ok();
            String mode = switch (spec.etcd().mode()) {
                case CONTAINER -> "container";
                case PROCESS -> "process";
                default -> docker ? "container" : "process";
            };
            modes.put(m.node(), mode);
            if (spec.etcd().mode() == LabSpec.EtcdMode.AUTO) {
                whys.add(docker ? "Docker answers on " + m.node() : "no Docker on " + m.node() + "; the etcd binary is copied there");
            }
            boolean healthy = gateway.healthy(local);
            // a member of a cluster without quorum runs without being healthy: found running, it is left to rejoin
            boolean running = (healthy || members.size() > 1) && running(sh);
            if (healthy || running) {
                if (!running && !labelled(sh, spec)) {
                    throw new VxlabException("an etcd that vxlab did not start already answers on " + m.node() + ":2379; vxlab will not write"
                            + " its network config into someone else's etcd", "stop it, or run the lab's etcd elsewhere (etcd.on in " + spec.source() + ")");
                }
                if (!pushCertificates(spec, m, sh, state)) {
                    continue;
                }
                // its certificates changed (made again): started again with them
            } else {
                pushCertificates(spec, m, sh, state);
            }
            started.add(m.node());
            startMember(spec, members, m, sh, mode, docker);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (EtcdCluster.Member m : members) {
            while (!gateway.healthy(locals.get(m))) {
                if (System.nanoTime() > deadline) {
                    RemoteShell sh = shells.get(m.node());
                    String log = modes.get(m.node()).equals("container") ? sh.exec("docker logs --tail 5 " + CONTAINER + " 2>&1").stdout()
                            : sh.exec("tail -5 " + LOG).stdout();
                    throw new VxlabException("etcd (" + modes.get(m.node()) + ") on " + m.node() + " did not answer within 30 s"
                            + (members.size() > 1 ? " (a member is healthy only once a majority of the " + members.size() + " answers)" : "")
                            + ":\n    " + log.trim().replace("\n", "\n    "), "vxlab ssh " + spec.name() + " " + m.node());
                }
                host.sleep(100);
            }
        }
        String mode = String.join("/", new java.util.LinkedHashSet<>(modes.values()));
        String why = whys.isEmpty() ? "asked for in the spec" : String.join(", ", whys);
        if (members.size() > 1) {
            why = members.size() + " members, " + why;
        }
        if (started.isEmpty()) {
            why += "; already running on " + String.join(", ", modes.keySet());
        } else if (started.size() < members.size()) {
            why += "; restarted on " + String.join(", ", started) + ", which rejoined";
        }
        return new Started(mode, why, EtcdCluster.clientUrls(members), locals.get(members.get(0)));
    }

    /**
     * With TLS ({@link EtcdTls#generated}): the lab's CA and member {@code m}'s certificate and key to its node, under
     * {@link EtcdTls#NODE_DIR} (the key 0600); true when any of them changed there.
     */
    private static boolean pushCertificates(LabSpec spec, EtcdCluster.Member m, RemoteShell sh, LabState state) {
        if (!EtcdTls.generated(spec)) {
            return false;
        }
        EtcdPki pki = new EtcdPki(EtcdPki.dir(state.dir()), spec.name());
        String name = EtcdTls.memberName(m);
        boolean changed = sh.put(EtcdTls.NODE_DIR + "/" + EtcdTls.CA, ascii(pki.text(pki.cert(EtcdTls.CA_NAME))), "0644");
        changed |= sh.put(EtcdTls.NODE_DIR + "/" + EtcdTls.MEMBER + ".pem", ascii(pki.text(pki.cert(name))), "0644");
        changed |= sh.put(EtcdTls.NODE_DIR + "/" + EtcdTls.MEMBER + "-key.pem", ascii(pki.text(pki.key(name))), "0600");
        return changed;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The etcd container on the node carries this lab's label (with {@link #running}: ours, and not someone else's etcd). */
    private static boolean labelled(RemoteShell sh, LabSpec spec) {
        return sh.exec("[ \"$(docker inspect -f '{{index .Config.Labels \"dev.vxlab.lab\"}}' " + CONTAINER + " 2>/dev/null)\" = "
                + Shell.quote(spec.name()) + " ]").ok();
    }

    /** The etcd process vxlab started runs (a member of a cluster without quorum runs but is not healthy). */
    private static boolean running(RemoteShell sh) {
        return sh.exec("p=$(cat " + PID + " 2>/dev/null) && [ \"$(readlink /proc/$p/exe 2>/dev/null)\" = " + BIN + " ]"
                + " && ! grep -q '^State:.*Z' /proc/$p/status").ok()
                || sh.exec("[ \"$(docker inspect -f '{{.State.Running}}' " + CONTAINER + " 2>/dev/null)\" = true ]").ok();
    }

    private void startMember(LabSpec spec, List<EtcdCluster.Member> members, EtcdCluster.Member m, RemoteShell sh, String mode, boolean docker) {
        String args = String.join(" ", EtcdCluster.flags(spec, members, m, "/DATA", EtcdTls.NODE_DIR).stream().map(Shell::quote).toList());
        RemoteShell.Result r;
        if (mode.equals("container")) {
            if (!docker) {
                throw new VxlabException("etcd mode container on " + m.node() + ": Docker does not answer there",
                        "install Docker on " + m.node() + " or use etcd: {mode: process, on: ...} in " + spec.source());
            }
            String image = Shell.quote(spec.etcd().image());
            r = sh.exec("docker image inspect " + image + " >/dev/null 2>&1 || docker pull -q " + image + " >/dev/null; "
                    + "docker rm -f " + CONTAINER + " >/dev/null 2>&1; mkdir -p " + DATA + " && docker run -d --name " + CONTAINER
                    + " --restart unless-stopped --network host -v " + DATA + ":/var/lib/etcd"
                    + (EtcdTls.generated(spec) ? " -v " + EtcdTls.NODE_DIR + ":" + EtcdTls.NODE_DIR + ":ro" : "")
                    + " --label dev.vxlab.lab=" + Shell.quote(spec.name())
                    + " " + image + " " + args.replace("/DATA", "/var/lib/etcd/data"));
        } else {
            byte[] binary = etcdBinary();
            sh.put(BIN, binary, "0755");
            r = sh.exec("if [ -f " + PID + " ] && kill -0 \"$(cat " + PID + ")\" 2>/dev/null; then kill \"$(cat " + PID + ")\"; sleep 0.5; fi; "
                    // `a && b && setsid etcd & echo` would put the whole list in a background subshell that keeps the
                    // session's stdout (the command never ends) and whose PID, not etcd's, lands in the pid file
                    // etcd's own process writes the pid file before it starts (the shell execs etcd): a session cut between
                    // starting it and recording its PID (vxlab killed mid-way) leaves no etcd that down cannot find
                    + "mkdir -p " + DATA + " /var/log && cd / || exit 1; rm -f " + PID + "; setsid sh -c 'echo $$ > " + PID
                    + " && exec \"$0\" \"$@\"' " + BIN + " " + args.replace("/DATA", DATA + "/data") + " >>" + LOG + " 2>&1 </dev/null &");
        }
        if (!r.ok()) {
            throw new VxlabException("starting etcd (" + mode + ") on " + m.node() + " failed: " + r.stderr().trim(),
                    mode.equals("container") ? "docker logs " + CONTAINER + " on " + m.node() : "see " + LOG + " on " + m.node());
        }
    }

    /** This machine's etcd binary, copied to the node for mode process. */
    byte[] etcdBinary() {
        Host.Result which = host.run("sh", "-c", "command -v etcd");
        if (!which.ok()) {
            throw new VxlabException("etcd mode process on a node copies this machine's etcd binary, and there is none here",
                    "install it (apt-get install etcd-server), or use etcd: {mode: container, on: ...} with Docker on the node");
        }
        try {
            return Files.readAllBytes(Path.of(which.out().trim()).toRealPath());
        } catch (IOException e) {
            throw new VxlabException("cannot read the etcd binary " + which.out().trim() + ": " + e.getMessage(), null, e);
        }
    }

    /** For status: the local endpoint of an etcd on a node, forwarded over that node's session (https with TLS). */
    public static String forward(LabSpec spec, RemoteShell sh) {
        return EtcdTls.scheme(spec) + "://127.0.0.1:" + sh.forward("127.0.0.1", 2379);
    }
}
