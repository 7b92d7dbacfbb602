package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.json.Json;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lab's etcd, where the nodes reach it: on underlay.hostIp:2379 (the root namespace's address on the
 * lab's link), data under the lab directory. {@code container}: Docker, in the host's network namespace so
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
        String ip = spec.underlay().hostIp().toString();
        String endpoint = "http://" + ip + ":2379";
        String mode;
        String why;
        if (e.mode() == LabSpec.EtcdMode.AUTO) {
            boolean docker = host.run("docker", "info", "--format", "{{.ServerVersion}}").ok();
            boolean image = docker && (host.run("docker", "image", "inspect", e.image()).ok()
                    || host.run("timeout", "60", "docker", "pull", "-q", e.image()).ok());
            boolean binary = host.run("sh", "-c", "command -v etcd").ok();
            if (image) {
                mode = "container";
                why = "Docker answers and image " + e.image() + " is present";
            } else if (binary) {
                mode = "process";
                why = docker ? "image " + e.image() + " is neither present nor pullable; the etcd binary is installed"
                        : "Docker does not answer; the etcd binary is installed";
            } else {
                throw new VxlabException("etcd: mode auto found neither Docker with image " + e.image() + " nor an etcd binary",
                        "install etcd (apt-get install etcd-server) or start Docker (scripts/start-docker.sh) and build or pull the"
                                + " image (scripts/build-etcd-image.sh, then etcd.image: vxlab/etcd:local)");
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
        if (gateway.healthy(endpoint)) {
            adoptUnrecorded(state);
            return new Started(mode, why + "; already running", List.of(endpoint));
        }
        List<String> args = List.of("--name", "vxlab-" + spec.name(), "--data-dir", "/DATA",
                "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                "--listen-peer-urls", "http://" + ip + ":2380", "--initial-advertise-peer-urls", "http://" + ip + ":2380",
                "--initial-cluster", "vxlab-" + spec.name() + "=http://" + ip + ":2380");
        if (mode.equals("container")) {
            String name = "vxlab-" + spec.name() + "-etcd";
            // recorded by name before it is made (down removes it even when vxlab stops before docker answers)
            state.put("etcdContainer", name);
            host.run("docker", "rm", "-f", name);
            List<String> cmd = new java.util.ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "host",
                    "--label", "dev.vxlab.lab=" + spec.name(), "-v", data + ":/var/lib/etcd", e.image()));
            args.forEach(a -> cmd.add(a.equals("/DATA") ? "/var/lib/etcd/data" : a));
            verbose.accept(String.join(" ", cmd));
            host.must("start etcd in a container", cmd.toArray(String[]::new));
        } else {
            // etcd writes its own PID (the shell's, which execs it) before it starts: an up stopped before it records the PID
            // leaves an etcd that down and the next up still find (see unrecorded)
            List<String> cmd = new java.util.ArrayList<>(List.of("setsid", "sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                    pidFile(state).toString(), "etcd"));
            args.forEach(a -> cmd.add(a.equals("/DATA") ? data.resolve("data").toString() : a));
            verbose.accept(String.join(" ", cmd));
            state.pid("etcd", host.spawn(cmd, state.dir().resolve("etcd.log")));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.healthy(endpoint)) {
            if (System.nanoTime() > deadline) {
                throw new VxlabException("etcd (" + mode + ") did not answer at " + endpoint + " within 30 s",
                        mode.equals("container") ? "docker logs vxlab-" + spec.name() + "-etcd" : "see " + state.dir().resolve("etcd.log"));
            }
            host.sleep(100);
        }
        state.put("etcdEndpoint", endpoint);
        return new Started(mode, why, List.of(endpoint));
    }

    public void stop(LabState state) {
        Long orphan = unrecorded(state);
        if (orphan != null) {
            verbose.accept("stop etcd pid " + orphan + " (its own pid file)");
            host.stopAll(List.of(orphan), 5);
        }
        String id = state.string("etcdContainer");
        if (id != null) {
            verbose.accept("docker rm -f " + id);
            host.run("docker", "rm", "-f", id);
            state.put("etcdContainer", null);
        }
    }

    private static Path pidFile(LabState state) {
        return state.dir().resolve("etcd.pid");
    }

    /** An etcd process of this lab that runs though its PID is not recorded: recorded now (the next down stops it). */
    private void adoptUnrecorded(LabState state) {
        Long pid = unrecorded(state);
        if (pid != null) {
            state.pid("etcd", pid);
        }
    }

    /**
     * The PID in the lab's etcd pid file when the state records none and that process is this lab's etcd: it runs, and
     * its command line holds this lab's own data directory (under the lab's state directory, which no other etcd has).
     */
    private Long unrecorded(LabState state) {
        Path f = pidFile(state);
        if (state.pids().containsKey("etcd") || !Files.isRegularFile(f)) {
            return null;
        }
        try {
            long pid = Long.parseLong(Files.readString(f).strip());
            if (!host.alive(pid)) {
                return null;
            }
            List<String> args = host.commandLine(pid);
            int i = args.indexOf("--data-dir");
            return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(state.dir().resolve("etcd").resolve("data").toString()) ? pid : null;
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
