package dev.vxlab.orchestrator.core;

import dev.vxlab.core.json.Json;
import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import dev.vxlab.orchestrator.BadInputException;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.doctor.EtcdFacts.LeaseFact;
import dev.vxlab.orchestrator.doctor.Finding;
import dev.vxlab.orchestrator.doctor.LabFacts;
import dev.vxlab.orchestrator.doctor.NodeFacts;
import dev.vxlab.orchestrator.doctor.Severity;
import dev.vxlab.orchestrator.exercise.Fault;
import dev.vxlab.orchestrator.exercise.Faults;
import dev.vxlab.orchestrator.exercise.Target;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import dev.vxlab.orchestrator.transport.Shell;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * {@code vxlab break} and {@code vxlab grade}: graded break/fix exercises. {@code break} makes one fault of
 * {@link Faults} on one node and records it in the lab's state before it touches anything (so {@code down} can
 * take it back even if break was cut short); {@code grade} passes only when the ping matrix is green and doctor
 * finds no error left on that node — the fault's own evidence (its rule's finding) and what it set off — and
 * says what is still wrong otherwise. One exercise at a time per lab.
 */
public final class LabExercise {
    static final String KEY = "exercise";
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private final LabContext context;
    private final RandomGenerator random;
    private final Clock clock;

    public LabExercise(LabContext context, RandomGenerator random, Clock clock) {
        this.context = context;
        this.random = random;
        this.clock = clock;
    }

    /** What break did; {@code node} is null when it was asked to keep it hidden. */
    public record Broken(String lab, String fault, String title, String node, boolean hidden) {
    }

    /** What grade found: passed, or the reasons why not (failed pairs, findings still there). */
    public record Grade(String lab, String fault, String node, boolean passed, List<String> reasons, Verification matrix, long seconds) {
    }

    public Broken breakLab(String specOrName, String faultId, String node, boolean hidden, boolean randomFault) {
        Lab l = up(specOrName);
        Map<String, Object> active = active(l.state());
        if (active != null) {
            throw new BadInputException("lab " + l.spec().name() + " already has an exercise: " + active.get("fault")
                    + (Boolean.TRUE.equals(active.get("hidden")) ? "" : " on " + active.get("node")),
                    "`vxlab grade " + l.spec().name() + "` grades it; `vxlab break " + l.spec().name() + " --reset` mends it and ends it");
        }
        Fault fault = randomFault ? Faults.ALL.get(random.nextInt(Faults.ALL.size())) : Faults.byId(faultId == null ? "" : faultId)
                .orElseThrow(() -> new BadInputException(faultId == null ? "name a fault, or --random" : "no fault named " + faultId,
                        "the faults: " + String.join(", ", Faults.ids()) + " (vxlab break --list)"));
        if (fault.needsNat() && !l.spec().underlay().nat()) {
            throw new BadInputException("fault " + fault.id() + " needs the Vagrant-style NAT eth0 (underlay.nat: true), which lab "
                    + l.spec().name() + " has not", "choose another fault: " + String.join(", ", Faults.ids()));
        }
        String chosen = node != null ? node : l.spec().nodes().get(random.nextInt(l.spec().nodes().size())).name();
        l.node(chosen);
        Machines machines = context.providers().machines(l.spec(), l.state());
        LabFacts facts = new LabDoctor(context).facts(l);
        Target t = target(facts, chosen);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("fault", fault.id());
        record.put("node", chosen);
        record.put("hidden", hidden);
        record.put("since", clock.instant().toString());
        record.put("target", targetRecord(t));
        l.state().put(KEY, Json.write(record));
        run(machines, l, chosen, fault.inject(t), "making fault " + fault.id());
        if (fault.deletesLease()) {
            LabLeases.revoke(l, machines, Ip4Net.parse(t.subnet()));
        }
        return new Broken(l.spec().name(), fault.id(), fault.title(), hidden ? null : chosen, hidden);
    }

    /** Mends the active exercise with its own fix and ends it (a teacher's reset). */
    public Broken reset(String specOrName) {
        Lab l = up(specOrName);
        Map<String, Object> active = requireActive(l);
        Fault fault = Faults.byId((String) active.get("fault")).orElseThrow();
        Target t = targetOf(active);
        run(context.providers().machines(l.spec(), l.state()), l, t.node(), fault.fix(t), "mending fault " + fault.id());
        l.state().put(KEY, null);
        return new Broken(l.spec().name(), fault.id(), fault.title(), t.node(), false);
    }

    public Grade grade(String specOrName) {
        Lab l = up(specOrName);
        Map<String, Object> active = requireActive(l);
        Fault fault = Faults.byId((String) active.get("fault")).orElseThrow();
        String node = (String) active.get("node");
        Verification matrix = new LabVerify(context).verify(specOrName, Report.NONE);
        List<Finding> findings = new LabDoctor(context).examine(specOrName, node).findings();
        List<String> reasons = new ArrayList<>();
        if (!matrix.ok()) {
            reasons.add("the ping matrix fails: " + String.join(", ", matrix.failed()));
        }
        for (Finding f : findings) {
            if (f.rule().equals(fault.rule())) {
                reasons.add("the fault's own evidence is still there: " + f.rule() + " " + f.summary());
            }
        }
        for (Finding f : findings) {
            if (!f.rule().equals(fault.rule()) && f.severity() == Severity.ERROR) {
                reasons.add("doctor still finds " + f.rule() + ": " + f.summary());
            }
        }
        long seconds = Duration.between(Instant.parse((String) active.get("since")), clock.instant()).toSeconds();
        boolean passed = reasons.isEmpty();
        if (passed) {
            l.state().put(KEY, null);
        }
        return new Grade(l.spec().name(), fault.id(), node, passed, reasons, matrix, seconds);
    }

    /** Takes back what the lab's active exercise added that down would not remove; best effort (down must go on). */
    static void undoForDown(LabState state, Machines machines, LabSpec spec) {
        Map<String, Object> active = active(state);
        if (active == null) {
            return;
        }
        Optional<Fault> fault = Faults.byId((String) active.get("fault"));
        Target t = targetOf(active);
        String undo = fault.map(f -> f.undo(t)).orElse("");
        LabSpec.Node node = spec.nodes().stream().filter(n -> n.name().equals(t.node())).findFirst().orElse(null);
        if (undo.isEmpty() || node == null) {
            return;
        }
        try (RemoteShell sh = machines.connect(node)) {
            sh.exec("sh -c " + Shell.quote(undo));
        } catch (VxlabException e) {
            // the host's own cleanup says what it could not remove
        }
    }

    private Lab up(String specOrName) {
        Lab l = Lab.resolve(context.home(), specOrName);
        if (!l.state().exists()) {
            throw new VxlabException("lab " + l.spec().name() + " is not up", "`vxlab up " + l.spec().source() + "` first");
        }
        return l;
    }

    private static Map<String, Object> requireActive(Lab l) {
        Map<String, Object> active = active(l.state());
        if (active == null) {
            throw new BadInputException("lab " + l.spec().name() + " has no exercise", "`vxlab break " + l.spec().name()
                    + " FAULT` starts one (vxlab break --list)");
        }
        return active;
    }

    /** The node the lab's active exercise broke, or null when none is active. */
    static String activeNode(LabState state) {
        Map<String, Object> active = active(state);
        return active == null ? null : targetOf(active).node();
    }

    private static Map<String, Object> active(LabState state) {
        String s = state.string(KEY);
        return s == null ? null : Json.parseObject(s);
    }

    private static void run(Machines machines, Lab l, String node, String script, String what) {
        try (RemoteShell sh = machines.connect(l.node(node))) {
            RemoteShell.Result r = sh.exec("sh -c " + Shell.quote(script));
            if (!r.ok()) {
                throw new VxlabException(what + " on " + node + " failed: " + r.stderr().strip(), "vxlab doctor " + l.spec().name());
            }
        }
    }

    /**
     * The fault's facts, from the doctor's: the node's subnet and underlay interface, and a peer's lease. Every value
     * that reaches a command is checked for its form first (a MAC, an interface name, addresses): no lease value or
     * interface name can carry shell syntax into the node.
     */
    static Target target(LabFacts f, String node) {
        NodeFacts n = f.nodes().get(node);
        if (n == null || !n.reachable()) {
            throw new VxlabException(node + " cannot be reached" + (n == null ? "" : ": " + n.unreachable()), "vxlab doctor " + f.spec().name());
        }
        Ip4Net subnet = n.flannelSubnet().orElseThrow(() -> new VxlabException(node + " has no subnet.env: its agent holds no lease",
                "vxlab doctor " + f.spec().name() + " says why; an exercise starts from a healthy lab"));
        Ip4 ip = f.specIp(node);
        String iface = n.links().stream().filter(x -> x.addresses().stream().anyMatch(a -> a.ip().equals(ip))).map(NodeFacts.Link::name)
                .findFirst().orElse("eth1");
        LeaseFact peer = f.peersOf(node).stream().filter(x -> x.attrs().vtepMac() != null).findFirst()
                .orElseThrow(() -> new VxlabException("no other node of " + f.spec().name() + " holds a lease", "an exercise starts from a healthy lab"));
        String mac = peer.attrs().vtepMac().toLowerCase();
        if (!MAC.matcher(mac).matches() || !IFACE.matcher(iface).matches()) {
            throw new VxlabException("unexpected VTEP MAC or interface name (" + mac + ", " + iface + ")", null);
        }
        int mtu = Integer.parseInt(n.subnetEnv().getOrDefault("FLANNEL_MTU", "1450").replaceAll("[^0-9]", "0"));
        return new Target(node, subnet.toString(), subnet.network().toString(), iface, ip.toString(), mtu,
                peer.nodeName() == null ? peer.attrs().publicIp().toString() : peer.nodeName(), peer.subnet().toString(), mac,
                peer.attrs().publicIp().toString(), unused(f).toString(), f.vxlanDevice(), f.spec().network().vni(),
                f.spec().network().port() == 0 ? 8472 : f.spec().network().port(), f.spec().network().cidr().toString());
    }

    /** The highest address of the underlay that no node and not this machine has (a stale FDB entry's destination). */
    private static Ip4 unused(LabFacts f) {
        Ip4Net u = f.spec().underlay().cidr();
        long last = u.last().unsigned() - 1;
        for (long a = last; a > u.network().unsigned(); a--) {
            Ip4 ip = new Ip4((int) a);
            boolean used = ip.equals(f.spec().underlay().hostIp()) || f.spec().nodes().stream().anyMatch(n -> n.ip().equals(ip));
            if (!used) {
                return ip;
            }
        }
        throw new VxlabException("the underlay " + u + " has no free address", null);
    }

    private static Map<String, Object> targetRecord(Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", t.node());
        m.put("subnet", t.subnet());
        m.put("subnetNetwork", t.subnetNetwork());
        m.put("underlayIface", t.underlayIface());
        m.put("underlayIp", t.underlayIp());
        m.put("mtu", (long) t.mtu());
        m.put("peer", t.peer());
        m.put("peerSubnet", t.peerSubnet());
        m.put("peerMac", t.peerMac());
        m.put("peerPublicIp", t.peerPublicIp());
        m.put("unusedUnderlayIp", t.unusedUnderlayIp());
        m.put("vxlanDevice", t.vxlanDevice());
        m.put("vni", (long) t.vni());
        m.put("port", (long) t.port());
        m.put("network", t.network());
        return m;
    }

    @SuppressWarnings("unchecked")
    static Target targetOf(Map<String, Object> active) {
        Map<String, Object> m = (Map<String, Object>) active.get("target");
        return new Target((String) m.get("node"), (String) m.get("subnet"), (String) m.get("subnetNetwork"), (String) m.get("underlayIface"),
                (String) m.get("underlayIp"), ((Long) m.get("mtu")).intValue(), (String) m.get("peer"), (String) m.get("peerSubnet"),
                (String) m.get("peerMac"), (String) m.get("peerPublicIp"), (String) m.get("unusedUnderlayIp"), (String) m.get("vxlanDevice"),
                ((Long) m.get("vni")).intValue(), ((Long) m.get("port")).intValue(), (String) m.get("network"));
    }

    /** The fix the lab's active exercise documents, for the docs and the tests (null: none active). */
    public String documentedFix(String specOrName) {
        Lab l = up(specOrName);
        Map<String, Object> active = active(l.state());
        return active == null ? null : Faults.byId((String) active.get("fault")).orElseThrow().fix(targetOf(active));
    }
}
