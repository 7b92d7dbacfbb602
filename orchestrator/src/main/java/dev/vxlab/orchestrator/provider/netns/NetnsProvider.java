package dev.vxlab.orchestrator.provider.netns;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.lab.Parallel;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Lab nodes made of network namespaces, each shaped like a Vagrant VM.
 *
 * <p>Design notes. Per lab: a switch namespace holding bridge br0 (the host-only network), reached from the
 * root namespace through one routed veth ({@code vxh<hash>}, address = underlay.hostIp) — never a bridge in
 * the root namespace, where Docker's FORWARD policy would drop lab traffic; with {@code nat: true} a stub
 * namespace where every node's eth0 (10.0.2.15/24, default route) leads, and nothing beyond: the lab is
 * sealed. Per node: a network namespace with eth1 on the switch; and an sshd started inside it with a
 * mount and UTS namespace of its own ({@code unshare -m -u}): hostname = node name, overlays over /etc,
 * /var and /opt (upper layers under the lab directory) and a fresh /run, so that /etc/sysconfig/flanneld,
 * /etc/firewalld, /etc/systemd/system, /run/flannel and /var/lib/vxlab are the node's own and the machine's
 * are untouched. Everything a session over that sshd starts inherits those namespaces, as on a VM. Host
 * keys and the client key are generated per lab and pinned in the lab's known_hosts.
 */
public final class NetnsProvider implements Machines {
    private final LabSpec spec;
    private final LabState state;
    private final NetnsNames names;
    private final Host host;
    private final Consumer<String> verbose;
    private boolean shareAgentLib = true;
    /** The switch's mark as {@link #preflight} (or the last build) read it; null: no switch then, or not read. */
    private String seenMark;

    public NetnsProvider(LabSpec spec, LabState state, Host host, Consumer<String> verbose) {
        this.spec = spec;
        this.state = state;
        this.names = new NetnsNames(spec.name());
        this.host = host;
        this.verbose = verbose;
    }

    public NetnsNames names() {
        return names;
    }

    public Path clientKey() {
        return state.dir().resolve("ssh/id_ed25519");
    }

    public Path knownHosts() {
        return state.dir().resolve("ssh/known_hosts");
    }

    @Override
    public SshjShell.Target target(LabSpec.Node node) {
        return new SshjShell.Target(node.ip().toString(), 22, "root", clientKey(), knownHosts());
    }

    @Override
    public void checkReach(SshjShell.Target target) {
        checkRoute(Ip4.parse(target.host()));
    }

    @Override
    public Ip4 hostAddress() {
        return spec.underlay().hostIp();
    }

    @Override
    public List<Left> down() {
        return down(state, host, verbose);
    }

    /** A netns node's sshd runs in a UTS namespace of its own whose hostname is the node's name. */
    @Override
    public boolean namesMachinesAfterNodes() {
        return true;
    }

    /** A netns node runs this machine's programs: its /usr is the machine's. */
    @Override
    public boolean sharesThisMachinesPrograms() {
        return true;
    }

    /** Every node of the lab mounts this directory of the lab's state at the agent's lib directory. */
    @Override
    public Path sharedAgentLib() {
        return shareAgentLib ? state.dir().resolve("shared").resolve("lib") : null;
    }

    /**
     * Machines that stand for hosts of their own (the ssh provider's test hosts): nothing of vxlab's in them
     * beforehand, no agent lib shared with this machine. Call before {@link #up}.
     */
    public NetnsProvider asSeparateHosts() {
        shareAgentLib = false;
        return this;
    }

    /**
     * Fails, sending nothing, when a lab of this name from another vxlab state holds the namespaces, or when the
     * underlay is already routed somewhere that is not this lab's link.
     */
    @Override
    public void preflight() {
        seenMark = LabOwner.read(host, names.switchNs());
        refuseForeign(seenMark);
        String link = names.rootLink();
        Host.Result routes = host.run("ip", "-o", "-4", "route", "show", "to", "match", spec.underlay().hostIp().toString());
        for (String line : routes.out().split("\n")) {
            if (line.isBlank() || line.startsWith("default")) {
                continue;
            }
            if (!line.contains(" dev " + link + " ") && !line.endsWith(" dev " + link)) {
                throw new VxlabException("underlay " + spec.underlay().cidr() + " is already routed on this machine (" + line.trim()
                        + "); a lab's host-only network must not overlap a network the machine uses",
                        "choose another underlay.cidr in " + spec.source() + ", or `vxlab down` the lab that uses it");
            }
        }
    }

    /** Fails, having changed nothing, when the switch's mark ({@code alias}, as {@link LabOwner#read} answers) is another state's. */
    private void refuseForeign(String alias) {
        String foreign = LabOwner.foreign(state, names.switchNs(), alias);
        if (foreign != null) {
            throw new VxlabException("the network namespaces of a lab named " + spec.name() + " (" + names.prefix() + "*) are already on this machine, "
                    + foreign + ": two labs cannot share them, and this one would take the other's for its own; nothing was changed",
                    LabOwner.hint(alias, spec.name(), spec.source()));
        }
    }

    /** Creates what is missing (re-runs converge). */
    @Override
    public void up(Consumer<String> progress) {
        state.put("provider", "netns");
        build(progress);
    }

    /** Creates what is missing; returns the nodes whose sshd was (re)started. */
    List<String> build(Consumer<String> progress) {
        ensureKeys();
        String sw = names.switchNs();
        // the switch as preflight saw it, or read now (made since by another home's up? refused before it is recorded)
        String alias = seenMark != null ? seenMark : LabOwner.read(host, sw);
        refuseForeign(alias);
        boolean made = ensureNs(sw);
        if (made) {
            // every node's eth1 and the root link end in the switch: a new switch means all of them are wired anew
            state.put(WIRED, null);
        } else if (alias == null) {
            // not there when read, there now: made meanwhile, by whom?
            alias = LabOwner.read(host, sw);
            refuseForeign(alias);
        }
        wire(sw, () -> {
            if (!host.run("ip", "-n", sw, "link", "show", "dev", "br0").ok()) {
                host.must("create the switch", "ip", "-n", sw, "link", "add", "br0", "type", "bridge");
            }
            host.must("create the switch", "ip", "-n", sw, "link", "set", "br0", "up");
        });
        String mark = LabOwner.mark(state);
        if (made || !mark.equals(alias)) {
            host.must("mark the switch as this lab's", "ip", "-n", sw, "link", "set", "br0", "alias", mark);
        }
        seenMark = mark;
        String link = names.rootLink();
        if (!host.run("ip", "link", "show", "dev", link).ok()) {
            state.add("rootLinks", link);
            state.remove(WIRED, link);
            host.must("link the root namespace to the lab", "ip", "link", "add", link, "type", "veth", "peer", "name", "uplink", "netns", sw);
        }
        // a link of that name that vxlab did not record is not the lab's: left as it is
        if (state.list("rootLinks").contains(link)) {
            wire(link, () -> {
                host.must("link the root namespace to the lab", "ip", "-n", sw, "link", "set", "uplink", "master", "br0", "up");
                host.must("address the lab's host link", "ip", "addr", "replace", spec.underlay().hostIp() + "/" + spec.underlay().cidr().prefixLen(),
                        "dev", link);
                host.must("bring up the lab's host link", "ip", "link", "set", link, "up");
            });
        }
        if (spec.underlay().nat()) {
            String nat = names.natNs();
            ensureNs(nat);
            wire(nat, () -> { });
        }
        // the nodes at once (each is a dozen `ip` commands and an sshd: ~80 ms in sequence, 1.3 s for 16 nodes); the
        // switch, the root link and the NAT namespace they attach to are made above, before any of them
        Set<String> started = ConcurrentHashMap.newKeySet();
        Parallel.forEach(java.util.stream.IntStream.range(0, spec.nodes().size()).boxed().toList(), i -> {
            LabSpec.Node node = spec.nodes().get(i);
            if (ensureNode(node, i + 1)) {
                started.add(node.name());
            }
            progress.accept(node.name());
            awaitSsh(node);
        });
        return spec.nodes().stream().map(LabSpec.Node::name).filter(started::contains).toList();
    }

    /**
     * The lab's state key listing the namespaces and links whose wiring is complete. A namespace is recorded before it
     * is made, and its wiring (links, addresses, routes) is marked done only after its last command: an {@code up}
     * stopped half-way leaves a namespace that the next {@code up} finds unmarked and wires again, each command made
     * so that it is a no-op for what is there already (a link is added only when missing; addresses and routes are
     * replaced). A marked one is not touched again, so a re-run costs no command for it.
     */
    static final String WIRED = "wired";

    /** Runs {@code wiring} for {@code what} (a namespace or link) unless it was completed before; its loopback comes up first. */
    private void wire(String what, Runnable wiring) {
        if (state.list(WIRED).contains(what)) {
            return;
        }
        if (state.list("namespaces").contains(what)) {
            host.must("bring up " + what + "'s loopback", "ip", "-n", what, "link", "set", "lo", "up");
        }
        wiring.run();
        state.add(WIRED, what);
    }

    /** Makes the namespace when it is missing (recorded first); true when it was made now. */
    private boolean ensureNs(String ns) {
        // recorded before it is made: down removes it even when vxlab stops right after this line
        state.add("namespaces", ns);
        if (host.run("ip", "netns", "exec", ns, "true").ok()) {
            return false;
        }
        state.remove(WIRED, ns);
        host.must("create namespace " + ns, "ip", "netns", "add", ns);
        return true;
    }

    private boolean ensureNode(LabSpec.Node node, int index) {
        String ns = names.nodeNs(node.name());
        ensureNs(ns);
        wire(ns, () -> {
            String port = "e" + index;
            if (!host.run("ip", "-n", ns, "link", "show", "dev", "eth1").ok()) {
                host.must("wire " + node.name() + "'s eth1", "ip", "link", "add", "eth1", "netns", ns, "type", "veth", "peer", "name", port,
                        "netns", names.switchNs());
            }
            host.must("wire " + node.name() + "'s eth1", "ip", "-n", names.switchNs(), "link", "set", port, "master", "br0", "up");
            host.must("address " + node.name() + "'s eth1", "ip", "-n", ns, "addr", "replace",
                    node.ip() + "/" + spec.underlay().cidr().prefixLen(), "dev", "eth1");
            host.must("bring up " + node.name() + "'s eth1", "ip", "-n", ns, "link", "set", "eth1", "up");
            if (spec.underlay().nat()) {
                String stub = "n" + index;
                if (!host.run("ip", "-n", ns, "link", "show", "dev", "eth0").ok()) {
                    host.must("wire " + node.name() + "'s NAT eth0", "ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name",
                            stub, "netns", names.natNs());
                }
                host.must("wire " + node.name() + "'s NAT eth0", "ip", "-n", names.natNs(), "link", "set", stub, "up");
                host.must("address " + node.name() + "'s eth0", "ip", "-n", ns, "addr", "replace", "10.0.2.15/24", "dev", "eth0");
                host.must("bring up " + node.name() + "'s eth0", "ip", "-n", ns, "link", "set", "eth0", "up");
                host.must("route " + node.name() + "'s default via eth0", "ip", "-n", ns, "route", "replace", "default", "via", "10.0.2.2",
                        "dev", "eth0");
            }
            host.must("enable forwarding on " + node.name(), "ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        });
        Long pid = state.pids().get("sshd/" + node.name());
        if (pid != null && host.alive(pid)) {
            return false;
        }
        Long unrecorded = unrecordedSshd(node, ns);
        if (unrecorded != null) {
            state.pid("sshd/" + node.name(), unrecorded);
            return false;
        }
        startSshd(node, ns);
        return true;
    }

    /** The file where a node's sshd writes its own PID before it starts, in the node's directory of the lab state. */
    private Path sshdPidFile(LabSpec.Node node) {
        return state.dir().resolve("nodes").resolve(node.name()).resolve("sshd.pid");
    }

    /**
     * A PID cannot be recorded before its process exists: an {@code up} stopped between starting a node's sshd and
     * recording its PID leaves an sshd that the state does not name (down still stops it: it runs in the node's
     * namespace). The sshd wrote its PID itself before it started; when that process runs and is in the node's
     * network namespace, it is that sshd, and it is recorded now instead of starting a second one.
     */
    private Long unrecordedSshd(LabSpec.Node node, String ns) {
        try {
            Path f = sshdPidFile(node);
            if (!Files.isRegularFile(f)) {
                return null;
            }
            long pid = Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).strip());
            return host.alive(pid) && host.run("ip", "netns", "identify", Long.toString(pid)).out().strip().equals(ns) ? pid : null;
        } catch (NumberFormatException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node's directory of the lab state as the node's own mount namespace shows it. */
    static final String NODE_DIR = "/run/vxlab-node";

    private void startSshd(LabSpec.Node node, String ns) {
        Path dir = state.dir().resolve("nodes").resolve(node.name());
        try {
            for (String d : List.of("etc.upper", "etc.work", "var.upper", "var.work", "opt.upper", "opt.work", "root")) {
                Files.createDirectories(dir.resolve(d));
            }
            if (sharedAgentLib() != null) {
                Files.createDirectories(sharedAgentLib());
            }
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            if (!Files.exists(hostKey)) {
                host.must("generate " + node.name() + "'s host key", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                        node.name(), "-f", hostKey.toString());
            }
            String pub = Files.readString(hostKey.resolveSibling("ssh_host_ed25519_key.pub"), StandardCharsets.UTF_8).trim();
            pinHostKey(node.ip().toString(), pub);
            // inside the node, this directory is /run/vxlab-node (see the script below)
            Files.copy(Path.of(clientKey() + ".pub"), dir.resolve("authorized_keys"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "# sshd of lab " + spec.name() + " node " + node.name() + ", written by vxlab",
                    "ListenAddress " + node.ip(),
                    "Port 22",
                    "HostKey " + NODE_DIR + "/ssh_host_ed25519_key",
                    "PidFile none",
                    "AuthorizedKeysFile " + NODE_DIR + "/authorized_keys",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "StrictModes no",
                    "UsePAM no",
                    "PrintMotd no",
                    "Subsystem sftp internal-sftp", ""), StandardCharsets.UTF_8);
            String script = "set -e; hostname \"$1\"; d=\"$2\"; "
                    + "mount -t overlay vxlab-etc -o lowerdir=/etc,upperdir=$d/etc.upper,workdir=$d/etc.work /etc; "
                    + "mount -t overlay vxlab-var -o lowerdir=/var,upperdir=$d/var.upper,workdir=$d/var.work /var; "
                    + "mount -t overlay vxlab-opt -o lowerdir=/opt,upperdir=$d/opt.upper,workdir=$d/opt.work /opt; "
                    + "mount -t tmpfs -o mode=755 vxlab-run /run; "
                    // one agent jar for all the lab's nodes, written once by vxlab on this machine (sharedAgentLib)
                    + "if [ -n \"$3\" ]; then mkdir -p " + Provisioner.AGENT_LIB + " && mount --bind \"$3\" " + Provisioner.AGENT_LIB + "; fi; "
                    // the node's own directory where sshd finds it once root's home is covered (the lab state may be in it)
                    + "mkdir -p " + NODE_DIR + "; mount --bind \"$d\" " + NODE_DIR + "; "
                    // root's home of its own, as on a VM: this machine's ~/.bashrc (which bash runs for every command
                    // sshd starts) stays out of the node, and with it whatever that file costs per command
                    + "h=$(getent passwd root | cut -d: -f6); chmod 700 \"$d/root\"; "
                    + "if [ -n \"$h\" ] && [ -d \"$h\" ]; then mount --bind \"$d/root\" \"$h\"; fi; "
                    + "mkdir -p /run/sshd /run/flannel /etc/sysconfig /etc/firewalld /etc/systemd/system /var/lib/vxlab /var/log; "
                    + "echo \"$1\" > /etc/hostname; "
                    // this shell's PID is sshd's (exec): written before sshd starts, for an up stopped before it records it
                    + "echo $$ > " + NODE_DIR + "/sshd.pid; "
                    + "exec /usr/sbin/sshd -D -e -f " + NODE_DIR + "/sshd_config";
            List<String> cmd = List.of("setsid", "ip", "netns", "exec", ns, "unshare", "--mount", "--uts", "--propagation", "private",
                    "--", "sh", "-c", script, "vxlab-node", node.name(), dir.toString(), sharedAgentLib() == null ? "" : sharedAgentLib().toString());
            verbose.accept(String.join(" ", cmd));
            long pid = host.spawn(cmd, dir.resolve("sshd.log"));
            state.pid("sshd/" + node.name(), pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // synchronized: the nodes are made at once, and each rewrites the one known_hosts file
    private synchronized void pinHostKey(String ip, String pubLine) throws IOException {
        String[] parts = pubLine.split("\\s+");
        String entry = ip + " " + parts[0] + " " + parts[1];
        List<String> lines = Files.exists(knownHosts()) ? new ArrayList<>(Files.readAllLines(knownHosts())) : new ArrayList<>();
        lines.removeIf(l -> l.startsWith(ip + " "));
        lines.add(entry);
        Files.write(knownHosts(), lines, StandardCharsets.UTF_8);
    }

    private void ensureKeys() {
        try {
            Files.createDirectories(clientKey().getParent());
            if (!Files.exists(clientKey())) {
                host.must("generate the lab's SSH key", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vxlab-" + spec.name(),
                        "-f", clientKey().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Before connecting from the root namespace: the route to the node must lead into this lab's link. */
    public void checkRoute(Ip4 ip) {
        Host.Result r = host.run("ip", "-o", "route", "get", ip.toString());
        if (!r.ok() || !r.out().contains(" dev " + names.rootLink() + " ")) {
            throw new VxlabException("refusing to contact " + ip + ": the route to it does not lead into lab " + spec.name() + " ("
                    + (r.ok() ? r.out().trim() : "no route") + "); nothing was sent",
                    "is the lab up? `vxlab up " + spec.source() + "` builds it");
        }
    }

    private void awaitSsh(LabSpec.Node node) {
        checkRoute(node.ip());
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(node.ip().toString(), 22), 300);
                return;
            } catch (IOException e) {
                host.sleep(50);
            }
        }
        throw new VxlabException("sshd of node " + node.name() + " did not come up at " + node.ip() + ":22",
                "see " + state.dir().resolve("nodes").resolve(node.name()).resolve("sshd.log"));
    }

    /**
     * Removes what the state file records: the processes in the lab's namespaces (agents, test pings) and the
     * recorded ones (sshd), all asked to stop at once and killed after 5 s; then etcd; then the namespaces
     * and the root link. Only recorded names and PIDs, and processes inside the lab's own namespaces.
     *
     * <p>Nothing here goes over SSH: a node is namespaces and processes of this machine, found by the names and PIDs
     * recorded, so a node whose sshd died (or hangs) comes down like the others, and nothing is ever left.
     */
    public static List<Left> down(LabState state, Host host, Consumer<String> verbose) {
        List<String> namespaces = state.list("namespaces");
        String lab = state.string("name");
        String sw = lab == null ? null : new NetnsNames(lab).switchNs();
        String foreign = sw == null || !namespaces.contains(sw) ? null : LabOwner.foreign(state, sw, LabOwner.read(host, sw));
        if (foreign != null) {
            // recorded by a vxlab that took another state's namespaces for its own: neither they, nor the processes
            // and etcd containers it recorded with them, are this lab's to remove
            verbose.accept("namespaces " + namespaces + " are " + foreign + "; left as they are");
            Set<String> theirs = Set.of("namespaces", WIRED, "rootLinks", "pids", "etcdContainer", "etcdContainers", LabOwner.KEY);
            state.retain(state.keys().stream().filter(k -> !theirs.contains(k)).toList());
            return List.of(new Left("lab", "this machine", "its namespaces " + String.join(", ", namespaces) + " are " + foreign,
                    "down that lab with its own VXLAB_HOME", namespaces, List.of()));
        }
        List<Long> nodeProcesses = new ArrayList<>();
        for (String ns : namespaces) {
            for (String pid : host.run("ip", "netns", "pids", ns).out().split("\\s+")) {
                if (!pid.isBlank()) {
                    nodeProcesses.add(Long.parseLong(pid.trim()));
                }
            }
        }
        Long etcd = state.pids().get("etcd");
        state.pids().forEach((role, pid) -> {
            if (!role.equals("etcd")) {
                nodeProcesses.add(pid);
            }
        });
        verbose.accept("stop pids " + nodeProcesses);
        host.stopAll(nodeProcesses, 5);
        state.pids().keySet().stream().filter(r -> !r.equals("etcd")).forEach(r -> state.pid(r, null));
        if (etcd != null) {
            verbose.accept("stop etcd pid " + etcd);
            host.stopAll(List.of(etcd), 5);
            state.pid("etcd", null);
        }
        for (String ns : namespaces) {
            host.run("ip", "netns", "del", ns);
            state.remove(WIRED, ns);
            state.remove("namespaces", ns);
        }
        for (String link : state.list("rootLinks")) {
            host.run("ip", "link", "del", link);
            state.remove(WIRED, link);
            state.remove("rootLinks", link);
        }
        return List.of();
    }
}
