package dev.vxlab.orchestrator.provider.vagrant;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Machines from the top-level Vagrantfile (VirtualBox, libvirt, or Vagrant's docker provider on a box with no
 * hypervisor). {@code up} runs {@code vagrant up} only for machines that are not running — and never when it
 * was itself started by the Vagrantfile's trigger (VXLAB_FROM_VAGRANT=1), so the two never loop; the
 * Vagrantfile's own trigger is switched off (VXLAB_NO_TRIGGER=1) when vxlab runs Vagrant. Then one
 * {@code vagrant ssh-config} gives every machine's address, port, user and key (read by {@link SshConfig},
 * kept in the lab's state), and sessions go straight over SSH: a {@code vagrant ssh -c} costs seconds. Started
 * by the trigger, vxlab takes those facts from the trigger instead (VXLAB_VAGRANT_SSH_CONFIG, same form).
 * Host keys are pinned on first contact under the machine's name in the lab's known_hosts; a changed key
 * is refused. {@code down} is {@code vagrant destroy -f}.
 */
public final class VagrantProvider implements Machines {
    private final LabSpec spec;
    private final LabState state;
    private final Path dir;
    private final Host host;
    private final Consumer<String> verbose;
    private final Map<String, String> environment;

    /** {@code dir}: where the Vagrantfile is (the repository's top). */
    public VagrantProvider(LabSpec spec, LabState state, Path dir, Host host, Consumer<String> verbose) {
        this(spec, state, dir, host, verbose, System.getenv());
    }

    /** {@code environment}: this process's (VXLAB_FROM_VAGRANT, VXLAB_VAGRANT_SSH_CONFIG, VAGRANT_DOTFILE_PATH...). */
    VagrantProvider(LabSpec spec, LabState state, Path dir, Host host, Consumer<String> verbose, Map<String, String> environment) {
        this.environment = environment;
        this.spec = spec;
        this.state = state;
        this.dir = dir;
        this.host = host;
        this.verbose = verbose;
    }

    public Path knownHosts() {
        return state.dir().resolve("ssh/known_hosts");
    }

    @Override
    public void preflight() {
        if (!Files.isRegularFile(dir.resolve("Vagrantfile"))) {
            throw new VxlabException("no Vagrantfile in " + dir, "run vxlab from the top of the vxlab repository (where the Vagrantfile is)");
        }
        Host.Result v = vagrant(List.of("--version"), 30);
        if (!v.ok()) {
            throw new VxlabException("vagrant does not run here: " + v.tail(), "install it: scripts/install-deps.sh --vagrant (Debian/Ubuntu)");
        }
        if ("docker".equals(vagrantProvider()) && (spec.network().backend().equals("host-gw") || spec.network().directRouting())) {
            throw new VxlabException("with Vagrant's docker provider the machines share an internal Docker network, which drops packets"
                    + " whose addresses are not on the underlay: " + (spec.network().directRouting() ? "DirectRouting" : "the host-gw backend")
                    + " cannot carry container traffic there", "use backend: vxlan without directRouting for the docker provider, or"
                    + " vagrant: {provider: virtualbox|libvirt} in " + spec.source());
        }
        if ("docker".equals(vagrantProvider())) {
            Host.Result image = host.run("docker", "image", "inspect", "--format", "{{.Id}}", spec.vagrant().image());
            if (!image.ok()) {
                throw new VxlabException("the docker provider needs the image " + spec.vagrant().image() + ", which is not here",
                        "build it: scripts/build-node-image.sh" + (spec.vagrant().image().equals("vxlab/node:bookworm") ? "" : " " + spec.vagrant().image()));
            }
        }
    }

    @Override
    public void up(Consumer<String> progress) {
        state.put("provider", "vagrant");
        state.put("vagrantDir", dir.toString());
        String dotfile = environment.get("VAGRANT_DOTFILE_PATH");
        if (dotfile != null && !dotfile.isBlank()) {
            state.put("vagrantDotfilePath", dotfile);
        }
        // started by the Vagrantfile's trigger: Vagrant has just brought every machine up (asking again costs seconds)
        boolean fromVagrant = "1".equals(environment.get("VXLAB_FROM_VAGRANT"));
        Map<String, String> states = fromVagrant ? Map.of() : VagrantStatus.states(vagrantQuery(List.of("status", "--machine-readable"), 120).out());
        List<String> missing = fromVagrant ? List.of()
                : spec.nodes().stream().map(this::machine).filter(n -> !"running".equals(states.get(n))).toList();
        if (!missing.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("up"));
            if (spec.vagrant().provider() != null) {
                args.add("--provider=" + spec.vagrant().provider());
            }
            args.addAll(missing);
            // a machine Vagrant is about to create is a new machine with a new host key: forget the old one (a
            // stopped machine keeps its key, and a key that changes without this is still refused)
            for (LabSpec.Node node : spec.nodes()) {
                if (missing.contains(machine(node)) && "not_created".equals(states.get(machine(node))) && forgetHostKey(node.name())) {
                    progress.accept(node.name() + " is created anew: its old host key is forgotten");
                }
            }
            progress.accept("vagrant " + String.join(" ", args));
            Host.Result r = vagrant(args, 1800);
            if (!r.ok()) {
                throw new VxlabException("vagrant up failed for " + String.join(", ", missing) + ":\n    " + r.tail().replace("\n", "\n    "),
                        Vagrant.hint(r.out()));
            }
        }
        Map<String, SshConfig.Machine> machines = fromVagrant ? handedSshConfig(progress) : null;
        if (machines == null) {
            Host.Result config = vagrantQuery(concat(List.of("ssh-config"), spec.nodes().stream().map(this::machine).toList()), 120);
            if (!config.ok()) {
                throw new VxlabException("vagrant ssh-config failed" + (fromVagrant ? " (started by the Vagrantfile's trigger: is every machine up?)" : "")
                        + ":\n    " + config.tail().replace("\n", "\n    "), "vagrant status; then `vagrant up` (or `./vxlab up " + spec.source() + "`)");
            }
            machines = SshConfig.parse(config.out());
        }
        for (LabSpec.Node node : spec.nodes()) {
            SshConfig.Machine m = machines.get(machine(node));
            if (m == null || m.identityFiles().isEmpty()) {
                throw new VxlabException("vagrant ssh-config printed nothing usable for " + node.name(), "vagrant ssh-config " + node.name());
            }
            state.put("vagrant/" + node.name(), new SshjShell.Target(m.hostName(), m.port(), m.user(), m.identityFiles().get(0), knownHosts(),
                    node.name(), true).record());
            progress.accept(node.name() + " " + (missing.contains(machine(node)) ? "up" : "running") + " (machine " + machine(node) + ", ssh "
                    + m.user() + "@" + m.hostName() + ":" + m.port() + ")");
        }
    }

    /**
     * The machines' SSH facts the Vagrantfile's trigger handed over (VXLAB_VAGRANT_SSH_CONFIG, in ssh-config's form,
     * asked of the {@code vagrant up} process's own machines), or null when it handed none or not one for every
     * node: a {@code vagrant ssh-config} run from inside that {@code vagrant up} has to lock every machine's index
     * entry, which the running {@code vagrant up} holds at times (in CI for 30 s and more, or until the test gave up).
     */
    private Map<String, SshConfig.Machine> handedSshConfig(Consumer<String> progress) {
        String text = environment.get("VXLAB_VAGRANT_SSH_CONFIG");
        if (text == null || text.isBlank()) {
            progress.accept("asking vagrant ssh-config: the Vagrantfile's trigger handed no SSH facts over");
            return null;
        }
        Map<String, SshConfig.Machine> machines;
        try {
            machines = SshConfig.parse(text);
        } catch (VxlabException e) {
            progress.accept("asking vagrant ssh-config: the SSH facts the Vagrantfile's trigger handed over do not read (" + e.getMessage() + ")");
            return null;
        }
        if (!machines.keySet().containsAll(spec.nodes().stream().map(this::machine).toList())) {
            progress.accept("asking vagrant ssh-config: the Vagrantfile's trigger handed SSH facts for " + String.join(", ", machines.keySet()) + " only");
            return null;
        }
        verbose.accept("SSH facts of " + machines.keySet() + " from the Vagrantfile's trigger");
        return machines;
    }

    /** The Vagrant provider `vagrant up` will use: the spec's, else VAGRANT_DEFAULT_PROVIDER, else docker (as the Vagrantfile). */
    String vagrantProvider() {
        String env = environment.get("VAGRANT_DEFAULT_PROVIDER");
        return spec.vagrant().provider() != null ? spec.vagrant().provider() : env != null && !env.isBlank() ? env : "docker";
    }

    /** The Vagrant machine of a node: LAB-NODE, as the Vagrantfile names it (two labs never share a machine). */
    String machine(LabSpec.Node node) {
        return spec.name() + "-" + node.name();
    }

    /** Removes the machine's line from the lab's known_hosts; true when there was one. */
    private boolean forgetHostKey(String machine) {
        try {
            if (!Files.exists(knownHosts())) {
                return false;
            }
            List<String> lines = Files.readAllLines(knownHosts(), StandardCharsets.UTF_8);
            List<String> kept = lines.stream().filter(l -> !l.startsWith(machine + " ")).toList();
            if (kept.size() == lines.size()) {
                return false;
            }
            Files.write(knownHosts(), kept, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public SshjShell.Target target(LabSpec.Node node) {
        String fact = state.string("vagrant/" + node.name());
        if (fact == null) {
            throw new VxlabException("no SSH facts recorded for machine " + node.name(), "vxlab up " + spec.source());
        }
        return SshjShell.Target.fromRecord(fact);
    }

    /** Vagrant's SSH address is this machine's loopback (forwarded port) or a directly attached network (libvirt). */
    @Override
    public void checkReach(SshjShell.Target target) {
        if (target.host().startsWith("127.")) {
            return;
        }
        Host.Result r = host.run("ip", "-o", "route", "get", target.host());
        if (!r.ok() || r.out().contains(" via ")) {
            throw new VxlabException("refusing to contact " + target.where() + ": it is not on a network attached to this machine ("
                    + r.out().trim() + "); nothing was sent", "vagrant ssh-config");
        }
    }

    /** underlay.hostIp when this machine holds it (the Docker network's or host-only network's gateway), else null. */
    @Override
    public Ip4 hostAddress() {
        return host.hasAddress(spec.underlay().hostIp()) ? spec.underlay().hostIp() : null;
    }

    /**
     * {@code vagrant destroy -f}: Vagrant removes each machine through its provider (VirtualBox, libvirt, Docker),
     * not over the machine's SSH, so a machine whose sshd does not answer is removed like the others and nothing is
     * left. When Vagrant itself fails, the whole state stays and down can be run again.
     */
    @Override
    public List<Left> down() {
        Host.Result r = vagrant(List.of("destroy", "-f"), 600);
        if (!r.ok()) {
            throw new VxlabException("vagrant destroy failed:\n    " + r.tail().replace("\n", "\n    "), "vagrant status; vagrant destroy -f");
        }
        return List.of();
    }

    /**
     * A Vagrant command that only reads (status, ssh-config), asked again while Vagrant says a machine is locked:
     * started by the Vagrantfile's trigger, vxlab runs while the {@code vagrant up} that started it still holds
     * machines' index entries (it updates each machine's state from its parallel threads), and a read that meets
     * such a moment fails with "because it is locked" although nothing is wrong. Not a cure for all of it: in CI an
     * entry stayed locked for the whole 30 s (VagrantLabIT), which is why the trigger hands its facts over.
     */
    Host.Result vagrantQuery(List<String> args, int timeoutSeconds) {
        Host.Result r = vagrant(args, timeoutSeconds);
        for (int attempt = 1; attempt < LOCKED_ATTEMPTS && Vagrant.locked(r.out()); attempt++) {
            verbose.accept("vagrant " + args.get(0) + ": a machine is locked by another Vagrant process; asking again");
            host.sleep(LOCKED_PAUSE_MS);
            r = vagrant(args, timeoutSeconds);
        }
        return r;
    }

    /** How often, and how far apart, a read is asked again while a machine is locked: 30 s in all. */
    static final int LOCKED_ATTEMPTS = 60;
    static final long LOCKED_PAUSE_MS = 500;

    private Host.Result vagrant(List<String> args, int timeoutSeconds) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("VXLAB_SPEC", spec.source().toAbsolutePath().toString(),
                "VXLAB_NO_TRIGGER", "1", "VAGRANT_CHECKPOINT_DISABLE", "1"));
        String dotfile = state.string("vagrantDotfilePath");
        if (dotfile != null) {
            env.put("VAGRANT_DOTFILE_PATH", dotfile);
        }
        List<String> cmd = concat(List.of("vagrant"), args);
        verbose.accept(String.join(" ", cmd));
        // the lab's machines belong to the Vagrantfile it was made with (down from another checkout finds them)
        String recorded = state.string("vagrantDir");
        return host.run(cmd, recorded != null ? Path.of(recorded) : dir, env, timeoutSeconds);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** What Vagrant's failures mean for a user. */
    static final class Vagrant {
        private Vagrant() {
        }

        /** Whether Vagrant refused because another Vagrant process holds a machine (MachineLocked). */
        static boolean locked(String out) {
            return out.contains("because it is locked");
        }

        /** A hint for the errors Vagrant users meet most. */
        static String hint(String out) {
            if (out.contains("Unable to find image") || out.contains("No such image") || out.contains("pull access denied")) {
                return "the docker provider's image is missing: scripts/build-node-image.sh";
            }
            if (out.contains("VirtualBox is complaining") || out.contains("VBoxManage") || out.contains("provider 'virtualbox' that was requested")) {
                return "VirtualBox is not usable here; on a machine without a hypervisor use vagrant: {provider: docker} in the spec";
            }
            if (out.contains("Cannot connect to the Docker daemon") || out.contains("docker.sock")) {
                return "start Docker: scripts/start-docker.sh";
            }
            if (out.contains("box") && (out.contains("could not be found") || out.contains("not found"))) {
                return "the box is not installed and cannot be downloaded: `vagrant box add` it, or use another vagrant.box";
            }
            return "vagrant status; the machine's own log: vagrant up --debug";
        }
    }
}
