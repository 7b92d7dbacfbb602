package dev.vxlab.orchestrator.etcd;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    static final String CONTAINER = "vxlab-etcd";

    private final Host host;
    private final EtcdGateway gateway;

    public NodeEtcd(Host host, EtcdGateway gateway) {
        this.host = host;
        this.gateway = gateway;
    }

    /** What was started: for the agents {@code endpoints}; for vxlab, {@code local} (a forwarded port). */
    public record Started(String mode, String why, List<String> endpoints, String local) {
    }

    public Started start(LabSpec spec, LabSpec.Node node, RemoteShell sh, LabState state) {
        String ip = node.ip().toString();
        String endpoint = "http://" + ip + ":2379";
        String local = forward(sh);
        state.put("etcdOn", node.name());
        state.put("etcdEndpoint", null);
        boolean docker = sh.exec("docker info >/dev/null 2>&1").ok();
        String mode = switch (spec.etcd().mode()) {
            case CONTAINER -> "container";
            case PROCESS -> "process";
            default -> docker ? "container" : "process";
        };
        String why = spec.etcd().mode() == LabSpec.EtcdMode.AUTO
                ? (docker ? "Docker answers on " + node.name() : "no Docker on " + node.name() + "; the etcd binary is copied there")
                : "asked for in the spec";
        if (gateway.healthy(local)) {
            // ours only if it is the process vxlab started (its pid file, its binary) or the container with this lab's label
            boolean ours = sh.exec("p=$(cat " + PID + " 2>/dev/null) && [ \"$(readlink /proc/$p/exe 2>/dev/null)\" = " + BIN + " ]").ok()
                    || sh.exec("[ \"$(docker inspect -f '{{index .Config.Labels \"dev.vxlab.lab\"}}' " + CONTAINER + " 2>/dev/null)\" = "
                    + Shell.quote(spec.name()) + " ]").ok();
            if (!ours) {
                throw new VxlabException("an etcd that vxlab did not start already answers on " + node.name() + ":2379; vxlab will not write"
                        + " its network config into someone else's etcd", "stop it, or run the lab's etcd elsewhere (etcd.on in " + spec.source() + ")");
            }
            return new Started(mode, why + "; already running on " + node.name(), List.of(endpoint), local);
        }
        String args = String.join(" ", List.of("--name", Shell.quote(node.name()), "--data-dir", "/DATA",
                "--listen-client-urls", "http://" + ip + ":2379,http://127.0.0.1:2379", "--advertise-client-urls", endpoint,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", Shell.quote(node.name()) + "=http://127.0.0.1:2380"));
        RemoteShell.Result r;
        if (mode.equals("container")) {
            if (!docker) {
                throw new VxlabException("etcd mode container on " + node.name() + ": Docker does not answer there",
                        "install Docker on " + node.name() + " or use etcd: {mode: process, on: " + node.name() + "}");
            }
            String image = Shell.quote(spec.etcd().image());
            r = sh.exec("docker image inspect " + image + " >/dev/null 2>&1 || docker pull -q " + image + " >/dev/null; "
                    + "docker rm -f " + CONTAINER + " >/dev/null 2>&1; mkdir -p " + DATA + " && docker run -d --name " + CONTAINER
                    + " --restart unless-stopped --network host -v " + DATA + ":/var/lib/etcd --label dev.vxlab.lab=" + Shell.quote(spec.name())
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
            throw new VxlabException("starting etcd (" + mode + ") on " + node.name() + " failed: " + r.stderr().trim(),
                    mode.equals("container") ? "docker logs " + CONTAINER + " on " + node.name() : "see " + LOG + " on " + node.name());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.healthy(local)) {
            if (System.nanoTime() > deadline) {
                String log = mode.equals("container") ? sh.exec("docker logs --tail 5 " + CONTAINER + " 2>&1").stdout()
                        : sh.exec("tail -5 " + LOG).stdout();
                throw new VxlabException("etcd (" + mode + ") on " + node.name() + " did not answer within 30 s:\n    "
                        + log.trim().replace("\n", "\n    "), "vxlab ssh " + spec.name() + " " + node.name());
            }
            host.sleep(100);
        }
        return new Started(mode, why, List.of(endpoint), local);
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

    /** For status: the local endpoint of an etcd on a node, forwarded over that node's session. */
    public static String forward(RemoteShell sh) {
        return "http://127.0.0.1:" + sh.forward("127.0.0.1", 2379);
    }
}
