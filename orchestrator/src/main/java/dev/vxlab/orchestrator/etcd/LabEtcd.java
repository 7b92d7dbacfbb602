package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.EtcdCluster;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lab's etcd, where the nodes reach it: on underlay.hostIp:2379 (the root namespace's address on the
 * lab's link), data under the lab directory; with {@code members: 3}, three members on hostIp's 2379, 22379 and
 * 32379 ({@link EtcdCluster}), each started again by a re-run when it is down (it rejoins from its data). {@code container}: Docker, in the host's network namespace so
 * that it listens on hostIp itself (a published port would need forwarding that dockerd here leaves off);
 * {@code process}: the etcd binary; {@code external}: the given endpoints; {@code auto}: container when Docker
 * answers and the image is present (or can be pulled), else process, else an error saying how to get either.
 */
public final class LabEtcd {
    private final Host host;
    private final EtcdGateway gateway;
    private final Consumer<String> verbose;

    public LabEtcd(Host host, EtcdGateway gateway, Consumer<String> verbose) {
        this.host = host;
        this.gateway = gateway;
        this.verbose = verbose;
    }

    public record Started(String mode, String why, List<String> endpoints) {
    }

    public Started start(LabSpec spec, LabState state) {
        LabSpec.Etcd e = spec.etcd();
        if (e.mode() == LabSpec.EtcdMode.EXTERNAL) {
            return new Started("external", "given in the spec", e.endpoints().stream().map(URI::toString).toList());
        }
        String mode;
        String why;
        String image = e.image();
        if (e.mode() == LabSpec.EtcdMode.AUTO) {
            boolean docker = host.run("docker", "info", "--format", "{{.ServerVersion}}").ok();
            boolean present = docker && (host.run("docker", "image", "inspect", image).ok()
                    || host.run("timeout", "60", "docker", "pull", "-q", image).ok());
            // the default image cannot be pulled on a machine without a registry: the one scripts/build-etcd-image.sh
            // builds from the etcd binary stands in for it (an image the spec names is never swapped)
            boolean local = docker && !present && image.equals(SpecDefaults.ETCD_IMAGE)
                    && host.run("docker", "image", "inspect", SpecDefaults.LOCAL_ETCD_IMAGE).ok();
            boolean binary = host.run("sh", "-c", "command -v etcd").ok();
            String getContainer = docker ? "for etcd in a container: scripts/build-etcd-image.sh (builds " + SpecDefaults.LOCAL_ETCD_IMAGE
                    + " from the etcd binary)" : "for etcd in a container: scripts/start-docker.sh, then scripts/build-etcd-image.sh";
            if (present) {
                mode = "container";
                why = "Docker answers and image " + image + " is present";
            } else if (local) {
                mode = "container";
                why = "Docker answers; " + image + " cannot be pulled here, so the locally built " + SpecDefaults.LOCAL_ETCD_IMAGE;
                image = SpecDefaults.LOCAL_ETCD_IMAGE;
            } else if (binary) {
                mode = "process";
                why = (docker ? "image " + image + " is neither present nor pullable" : "Docker does not answer")
                        + "; the etcd binary is installed (" + getContainer + ")";
            } else {
                throw new VxlabException("etcd: mode auto found neither Docker with image " + image + " nor an etcd binary",
                        "install etcd (apt-get install etcd-server) or start Docker (scripts/start-docker.sh) and build or pull the"
                                + " image (scripts/build-etcd-image.sh)");
            }
        } else {
            mode = e.mode().name().toLowerCase();
            why = "asked for in the spec";
        }
        Path data = state.dir().resolve("etcd");
        try {
            Files.createDirectories(data);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        List<EtcdCluster.Member> members = EtcdCluster.members(spec);
        List<String> endpoints = EtcdCluster.clientUrls(members);
        state.put("etcdEndpoint", endpoints.get(0));
        List<String> started = new ArrayList<>();
        for (EtcdCluster.Member m : members) {
            if (gateway.healthy(m.clientUrl())) {
                adoptUnrecorded(state, m.index());
                continue;
            }
            started.add(m.name());
            if (mode.equals("container")) {
                // recorded by name before it is made (down removes it even when vxlab stops before docker answers)
                if (m.index() == 1) {
                    state.put("etcdContainer", m.container());
                } else {
                    state.add("etcdContainers", m.container());
                }
                host.run("docker", "rm", "-f", m.container());
                List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", m.container(), "--network", "host",
                        "--label", "dev.vxlab.lab=" + spec.name(), "-v", data + ":/var/lib/etcd"));
                if (EtcdTls.generated(spec)) {
                    cmd.addAll(List.of("-v", EtcdPki.dir(state.dir()) + ":" + EtcdTls.NODE_DIR + ":ro"));
                }
                cmd.add(image);
                cmd.addAll(EtcdCluster.flags(spec, members, m, "/var/lib/etcd/" + m.dataName(), EtcdTls.NODE_DIR));
                verbose.accept(String.join(" ", cmd));
                host.must("start etcd in a container", cmd.toArray(String[]::new));
            } else {
                // etcd writes its own PID (the shell's, which execs it) before it starts: an up stopped before it records the PID
                // leaves an etcd that down and the next up still find (see unrecorded)
                List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                        pidFile(state, m.index()).toString(), "etcd"));
                cmd.addAll(EtcdCluster.flags(spec, members, m, data.resolve(m.dataName()).toString(), EtcdPki.dir(state.dir()).toString()));
                verbose.accept(String.join(" ", cmd));
                state.pid(m.pidRole(), host.spawn(cmd, state.dir().resolve(m.logName())));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (EtcdCluster.Member m : members) {
            while (!gateway.healthy(m.clientUrl())) {
                if (System.nanoTime() > deadline) {
                    String log = mode.equals("container") ? "docker logs " + m.container()
                            : "see " + state.dir().resolve(m.logName());
                    throw new VxlabException("etcd (" + mode + ") member " + m.name() + " did not answer at " + m.clientUrl() + " within 30 s"
                            + (members.size() > 1 ? " (a member is healthy only once a majority of the " + members.size() + " answers)" : ""), log);
                }
                host.sleep(100);
            }
        }
        String what = members.size() == 1 ? why : members.size() + " members, " + why;
        if (started.isEmpty()) {
            return new Started(mode, what + "; already running", endpoints);
        }
        if (started.size() < members.size()) {
            return new Started(mode, what + "; restarted " + String.join(", ", started) + ", which rejoined", endpoints);
        }
        return new Started(mode, what, endpoints);
    }

    public void stop(LabState state) {
        for (int i = 1; i <= EtcdCluster.MAX_MEMBERS; i++) {
            Long orphan = unrecorded(state, i);
            if (orphan != null) {
                verbose.accept("stop etcd pid " + orphan + " (its own pid file)");
                host.stopAll(List.of(orphan), 5);
            }
        }
        List<String> containers = new ArrayList<>(state.list("etcdContainers"));
        String first = state.string("etcdContainer");
        if (first != null) {
            containers.add(0, first);
        }
        for (String id : containers) {
            verbose.accept("docker rm -f " + id);
            host.run("docker", "rm", "-f", id);
        }
        state.put("etcdContainer", null);
        state.put("etcdContainers", null);
    }

    /** Member {@code index}'s own pid file (named as {@link EtcdCluster} names its role, log and data directory). */
    private static Path pidFile(LabState state, int index) {
        return state.dir().resolve(EtcdCluster.fileName(index, ".pid"));
    }

    /** An etcd process of this lab that runs though its PID is not recorded: recorded now (the next down stops it). */
    private void adoptUnrecorded(LabState state, int index) {
        Long pid = unrecorded(state, index);
        if (pid != null) {
            state.pid(EtcdCluster.pidRole(index), pid);
        }
    }

    /**
     * The PID in member {@code index}'s pid file when the state records none and that process is this lab's etcd: it
     * runs, and its command line holds that member's own data directory (under the lab's state directory, which no
     * other etcd has).
     */
    private Long unrecorded(LabState state, int index) {
        Path f = pidFile(state, index);
        if (state.pids().containsKey(EtcdCluster.pidRole(index)) || !Files.isRegularFile(f)) {
            return null;
        }
        try {
            long pid = Long.parseLong(Files.readString(f).strip());
            if (!host.alive(pid)) {
                return null;
            }
            List<String> args = host.commandLine(pid);
            int i = args.indexOf("--data-dir");
            String data = state.dir().resolve("etcd").resolve(EtcdCluster.dataName(index)).toString();
            return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(data) ? pid : null;
        } catch (NumberFormatException | IOException e) {
            // no PID in it, or it cannot be read: no etcd of this lab is known to run unrecorded
            return null;
        }
    }

    /** flannel's network config from the spec, as JSON for {@code <prefix>/config}. */
    public static String networkConfig(LabSpec.Network n) {
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("Type", n.backend());
        if (n.backend().equals("vxlan")) {
            backend.put("VNI", (long) n.vni());
            backend.put("Port", (long) n.port());
            backend.put("DirectRouting", n.directRouting());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Network", n.cidr().toString());
        m.put("SubnetLen", (long) n.subnetLen());
        m.put("Backend", backend);
        return Json.write(m);
    }
}
