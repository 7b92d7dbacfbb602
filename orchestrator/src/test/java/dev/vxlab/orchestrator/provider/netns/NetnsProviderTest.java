package dev.vxlab.orchestrator.provider.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeHost;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.provider.Machines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netns provider's checks and its down, with this machine faked: nothing is contacted whose route leads
 * elsewhere, an underlay already in use is refused, and down removes exactly the namespaces, link and processes the
 * state recorded — the nodes' processes before etcd.
 */
class NetnsProviderTest {
    @TempDir
    Path dir;

    final Events events = new Events();
    final FakeHost host = new FakeHost(events);

    NetnsProvider provider() {
        return new NetnsProvider(Specs.load(dir, "nslab", "netns"), LabState.load(dir.resolve("state"), "nslab"), host, s -> { });
    }

    /** The lab's switch namespace is there, its bridge's alias {@code alias} ("" when it has none), as `ip -j` prints it. */
    void switchThere(String alias) {
        host.on("ip -j -n vx-nslab-sw link show dev br0", new Host.Result(0, "[{\"ifindex\":2,\"ifname\":\"br0\",\"flags\":[\"UP\"],\"mtu\":1500"
                + (alias.isEmpty() ? "" : ",\"ifalias\":\"" + alias + "\"") + "}]\n"));
    }

    void noSwitch() {
        host.on("ip netns exec vx-nslab-sw true", new Host.Result(1, "Cannot open network namespace \"vx-nslab-sw\": No such file or directory"));
    }

    @Test
    void anUnderlayThatThisMachineAlreadyRoutesIsRefusedAndNothingIsMade() {
        noSwitch();
        host.on("route show to match 192.168.90.1", new Host.Result(0, "192.168.90.0/24 dev wlan0 proto kernel scope link src 192.168.90.7\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> provider().preflight());
        assertTrue(e.getMessage().startsWith("underlay 192.168.90.0/24 is already routed on this machine (192.168.90.0/24 dev wlan0"), e.getMessage());
        assertEquals(List.of(), events.all().stream().filter(l -> !l.contains("route show") && !l.contains("netns exec vx-nslab-sw true")).toList());
    }

    @Test
    void theNamespacesOfALabOfTheSameNameFromAnotherStateAreRefusedAndNothingIsMade() {
        switchThere("vxlab 0b5e6c1e-2f1d-4c3a-9d2e-7a1b2c3d4e5f /home/ann/.vxlab/labs/nslab");
        VxlabException e = assertThrows(VxlabException.class, () -> provider().preflight());
        assertTrue(e.getMessage().startsWith("the network namespaces of a lab named nslab (vx-nslab-*) are already on this machine, made by the vxlab"
                + " state in /home/ann/.vxlab/labs/nslab"), e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was changed"), e.getMessage());
        assertTrue(e.hint().startsWith("`VXLAB_HOME=/home/ann/.vxlab vxlab down nslab` removes that lab"), e.hint());
        assertEquals(List.of("host run ip netns exec vx-nslab-sw true", "host run ip -j -n vx-nslab-sw link show dev br0"), events.all());
    }

    @Test
    void aSwitchWithNoOwnerIsThisStatesOnlyWhenItRecordedIt() {
        switchThere("");
        VxlabException e = assertThrows(VxlabException.class, () -> provider().preflight());
        assertTrue(e.getMessage().contains("not made by this vxlab state (vx-nslab-sw carries no mark of it)"), e.getMessage());
        assertTrue(e.hint().startsWith("give this one another name: in "), e.hint());
        // made by this state before owners were written: its own
        LabState.load(dir.resolve("state"), "nslab").add("namespaces", "vx-nslab-sw");
        provider().preflight();
    }

    @Test
    void theMarkIsTheStatesIdAndDirectoryAndTheIdDecides() {
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        String mark = LabOwner.mark(state);
        String id = state.string(LabOwner.KEY);
        assertEquals("vxlab " + id + " " + dir.resolve("state").toAbsolutePath(), mark);
        assertEquals(mark, LabOwner.mark(LabState.load(dir.resolve("state"), "nslab")), "the id is kept in the state");
        // the same state reached by another spelling of its path is still the owner; another id is not, whatever its path
        assertEquals(null, LabOwner.foreign(state, "vx-nslab-sw", "vxlab " + id + " /elsewhere/labs/nslab"));
        assertEquals("made by the vxlab state in " + dir.resolve("state").toAbsolutePath(),
                LabOwner.foreign(state, "vx-nslab-sw", "vxlab 1-other " + dir.resolve("state").toAbsolutePath()));
        assertEquals("made by another vxlab state (its mark 1-other)", LabOwner.foreign(state, "vx-nslab-sw", "vxlab 1-other"));
        assertEquals(null, LabOwner.foreign(state, "vx-nslab-sw", null), "no switch: nothing to refuse");
        // a directory that does not fit in an alias (255 bytes) is left out, the id stays
        LabState deep = LabState.load(dir.resolve("d".repeat(200)).resolve("e".repeat(60)), "nslab");
        String deepMark = LabOwner.mark(deep);
        assertEquals("vxlab " + deep.string(LabOwner.KEY), deepMark);
        assertEquals("/home/ann/.vxlab", new LabOwner.Mark("x", "/home/ann/.vxlab/labs/nslab").home());
        assertEquals(null, new LabOwner.Mark("x", "/srv/state/nslab").home());
    }

    @Test
    void aNewSwitchIsMarkedWithItsStateAndAnOwnSwitchWithoutAMarkGetsOne() {
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        noSwitch();
        host.on("ip -n vx-nslab-sw link show dev br0", new Host.Result(1, "Device \"br0\" does not exist."));
        NetnsProvider fresh = provider();
        fresh.preflight();
        assertThrows(RuntimeException.class, () -> fresh.build(l -> { }), "the fake machine starts no sshd");
        String mark = LabOwner.mark(LabState.load(dir.resolve("state"), "nslab"));
        List<String> e = events.all();
        int made = e.indexOf("host run ip -n vx-nslab-sw link add br0 type bridge");
        int marked = e.indexOf("host run ip -n vx-nslab-sw link set br0 alias " + mark);
        assertTrue(made >= 0 && marked > made, e.toString());

        // a lab made by a vxlab before marks: its recorded switch, no alias; the next up marks it
        int before = events.all().size();
        host.on("ip netns exec vx-nslab-sw true", new Host.Result(0, ""));
        switchThere("");
        NetnsProvider again = provider();
        again.preflight();
        assertThrows(RuntimeException.class, () -> again.build(l -> { }));
        assertTrue(events.all().subList(before, events.all().size()).contains("host run ip -n vx-nslab-sw link set br0 alias " + mark), events.all().toString());
        // marked: a re-run writes nothing more
        before = events.all().size();
        switchThere(mark);
        NetnsProvider third = provider();
        third.preflight();
        assertThrows(RuntimeException.class, () -> third.build(l -> { }));
        assertFalse(events.all().subList(before, events.all().size()).stream().anyMatch(l -> l.contains(" alias ")), events.all().toString());
    }

    /** A lab's state as up leaves it: the switch and kube1's namespace, the root link, kube1's sshd. */
    LabState recordedLab() {
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        state.add("namespaces", "vx-nslab-sw");
        state.add("namespaces", "vx-nslab-n-kube1");
        state.add("rootLinks", "vxh0badf00");
        state.pid("sshd/kube1", 4101L);
        return state;
    }

    @Test
    void downOfAStateThatTookAnotherStatesNamespacesRemovesNoneOfThemNorTheirProcesses() {
        LabState state = recordedLab();
        state.put("etcdContainer", "vxlab-nslab-etcd");
        switchThere("vxlab 0b5e6c1e-2f1d-4c3a-9d2e-7a1b2c3d4e5f /home/ann/.vxlab/labs/nslab");

        List<Machines.Left> left = NetnsProvider.down(state, host, s -> { });

        assertEquals(List.of("host run ip netns exec vx-nslab-sw true", "host run ip -j -n vx-nslab-sw link show dev br0"), events.all());
        assertEquals(1, left.size());
        assertTrue(left.get(0).reason().contains("are made by the vxlab state in /home/ann/.vxlab/labs/nslab"), left.get(0).reason());
        LabState after = LabState.load(dir.resolve("state"), "nslab");
        assertEquals(List.of(), after.list("namespaces"));
        assertEquals(0, after.pids().size());
        assertEquals(null, after.string("etcdContainer"), "nor the etcd container recorded with them");
    }

    @Test
    void theLabsOwnRouteAndTheDefaultRoutePassPreflight() {
        noSwitch();
        String link = new NetnsNames("nslab").rootLink();
        host.on("route show to match", new Host.Result(0, "default via 10.0.0.1 dev eth0\n192.168.90.0/24 dev " + link + " proto kernel\n"));
        provider().preflight();
    }

    @Test
    void aNodeWhoseRouteDoesNotLeadIntoTheLabIsNotContacted() {
        host.on("route get 192.168.90.11", new Host.Result(0, "192.168.90.11 via 10.0.0.1 dev eth0 src 10.0.0.5\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> provider().checkRoute(Ip4.parse("192.168.90.11")));
        assertTrue(e.getMessage().startsWith("refusing to contact 192.168.90.11: the route to it does not lead into lab nslab"), e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was sent"), e.getMessage());
    }

    @Test
    void downRemovesWhatTheStateRecordedNodesBeforeEtcdAndForgetsIt() {
        LabState state = recordedLab();
        state.pid("etcd", 4100L);
        host.on("ip netns pids vx-nslab-n-kube1", new Host.Result(0, "4201\n4202\n"));
        switchThere(LabOwner.mark(state));

        NetnsProvider.down(state, host, s -> { });

        List<String> e = events.all();
        assertEquals(List.of("host run ip netns exec vx-nslab-sw true", "host run ip -j -n vx-nslab-sw link show dev br0",
                "host run ip netns pids vx-nslab-sw", "host run ip netns pids vx-nslab-n-kube1", "host stop [4201, 4202, 4101]",
                "host stop [4100]", "host run ip netns del vx-nslab-sw", "host run ip netns del vx-nslab-n-kube1",
                "host run ip link del vxh0badf00"), e);
        LabState after = LabState.load(dir.resolve("state"), "nslab");
        assertEquals(List.of(), after.list("namespaces"));
        assertEquals(List.of(), after.list("rootLinks"));
        assertEquals(0, after.pids().size());
    }

    @Test
    void namespacesAnUpLeftHalfMadeAreWiredAgainAndWiredOnesAreNotTouched() {
        NetnsNames names = new NetnsNames("nslab");
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        // an up killed half-way: every namespace made (ip netns exec answers), the switch without br0, kube2 without eth1
        for (String ns : List.of(names.switchNs(), names.natNs(), names.nodeNs("kube1"), names.nodeNs("kube2"), names.nodeNs("kube3"))) {
            state.add("namespaces", ns);
        }
        state.add("rootLinks", names.rootLink());
        for (String n : List.of("kube1", "kube2", "kube3")) {
            state.pid("sshd/" + n, host.spawn(List.of("sshd", n), null));
        }
        host.on("ip -n " + names.switchNs() + " link show dev br0", new Host.Result(1, "Device \"br0\" does not exist."));
        host.on("ip -n " + names.nodeNs("kube2") + " link show dev eth1", new Host.Result(1, "Device \"eth1\" does not exist."));
        NetnsProvider p = new NetnsProvider(Specs.load(dir, "nslab", "netns"), state, host, s -> { });

        // the fake routes lead nowhere: the build stops before contacting any sshd, having sent nothing
        assertThrows(VxlabException.class, () -> p.build(s -> { }));
        List<String> e = events.all();
        assertTrue(e.contains("host run ip -n " + names.switchNs() + " link add br0 type bridge"), e.toString());
        assertTrue(e.stream().anyMatch(l -> l.startsWith("host run ip link add eth1 netns " + names.nodeNs("kube2") + " ")), e.toString());
        assertFalse(e.stream().anyMatch(l -> l.startsWith("host run ip link add eth1 netns " + names.nodeNs("kube1") + " ")),
                "kube1's eth1 is there: not made again");
        assertFalse(e.stream().anyMatch(l -> l.startsWith("host run ip link add " + names.rootLink())), "the root link is there");
        for (String n : List.of("kube1", "kube2", "kube3")) {
            assertTrue(e.contains("host run ip -n " + names.nodeNs(n) + " addr replace 192.168.90.1" + n.charAt(4) + "/24 dev eth1"), n);
            assertTrue(e.contains("host run ip -n " + names.nodeNs(n) + " route replace default via 10.0.2.2 dev eth0"), n);
        }
        assertTrue(e.contains("host run ip -n " + names.natNs() + " link set lo up"), "a namespace made just before the kill gets its loopback");
        // the nodes are wired at once: in any order, each once
        List<String> wired = LabState.load(dir.resolve("state"), "nslab").list("wired");
        assertEquals(List.of(names.switchNs(), names.rootLink(), names.natNs()), wired.subList(0, 3), "what the nodes attach to, first");
        assertEquals(java.util.Set.of(names.nodeNs("kube1"), names.nodeNs("kube2"), names.nodeNs("kube3")), java.util.Set.copyOf(wired.subList(3, wired.size())));
        assertEquals(6, wired.size(), wired.toString());

        int before = events.all().size();
        assertThrows(VxlabException.class, () -> p.build(s -> { }));
        List<String> again = events.all().subList(before, events.all().size());
        assertFalse(again.stream().anyMatch(l -> l.contains(" link add ") || l.contains(" replace ") || l.contains(" set ")),
                "a wired namespace is not touched again: " + again);
    }

    @Test
    void anSshdWhosePidWasNotRecordedIsFoundByTheFileItWroteAndNotStartedTwice() throws Exception {
        NetnsNames names = new NetnsNames("nslab");
        LabState state = LabState.load(dir.resolve("state"), "nslab");
        state.add("namespaces", names.switchNs());
        for (String n : List.of("kube1", "kube2", "kube3")) {
            long pid = host.spawn(List.of("sshd", n), null);
            java.nio.file.Files.createDirectories(dir.resolve("state/nodes/" + n));
            java.nio.file.Files.writeString(dir.resolve("state/nodes/" + n + "/sshd.pid"), pid + "\n");
            host.on("ip netns identify " + pid, new Host.Result(0, names.nodeNs(n) + "\n"));
        }
        NetnsProvider p = new NetnsProvider(Specs.load(dir, "nslab", "netns"), state, host, s -> { });
        assertThrows(VxlabException.class, () -> p.build(s -> { }));
        assertFalse(events.all().stream().anyMatch(l -> l.startsWith("host spawn setsid ip netns exec")), "no second sshd: " + events.all());
        assertEquals(3, LabState.load(dir.resolve("state"), "nslab").pids().size(), "each one found is recorded");
    }
}
