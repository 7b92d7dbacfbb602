package dev.vxlab.orchestrator.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeGateway;
import dev.vxlab.orchestrator.fake.FakeHost;
import dev.vxlab.orchestrator.fake.FakeShell;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's placement with this machine, a node and etcd's gateway faked: where it starts, what is recorded before it
 * starts (so that down finds it), a re-run that finds it running, and an etcd vxlab did not start refused.
 */
class EtcdPlacementTest {
    @TempDir
    Path dir;

    final Events events = new Events();
    final FakeHost host = new FakeHost(events);
    final FakeGateway gateway = new FakeGateway(events);
    final FakeShell kube1 = new FakeShell("kube1", events);
    final StandardEtcdPlacement placement = new StandardEtcdPlacement(host, (s, d) -> gateway, s -> { });
    LabState state;
    String local;

    @BeforeEach
    void setUp() throws Exception {
        state = LabState.load(dir.resolve("state"), "etcdlab");
        local = "http://127.0.0.1:" + kube1.forward("127.0.0.1", 2379);
        Path etcd = Files.writeString(dir.resolve("etcd"), "ELF etcd");
        host.on("command -v etcd", new Host.Result(0, etcd + "\n"));
    }

    LabSpec spec(String etcd) {
        return Specs.load(dir, "etcdlab", "netns", etcd);
    }

    Map<String, RemoteShell> shells() {
        return Map.of("kube1", kube1, "kube2", new FakeShell("kube2", events), "kube3", new FakeShell("kube3", events));
    }

    String recorded(String key) {
        return LabState.load(dir.resolve("state"), "etcdlab").string(key);
    }

    @Test
    void onANodeThisMachinesEtcdIsCopiedThereAndTheNodeIsRecordedBeforeItStarts() {
        gateway.upFrom(local, 1);
        kube1.on("setsid sh -c 'echo $$ > /run/vxlab-etcd.pid && exec \"$0\" \"$@\"' /opt/vxlab/etcd/bin/etcd --name 'kube1'", cmd -> {
            assertEquals("kube1", recorded("etcdOn"), "recorded before etcd starts on the node");
            assertFalse(cmd.contains("echo $! >"), "etcd writes its own PID before it starts, not the session after: " + cmd);
            return FakeShell.ok("");
        });
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, on: kube1, prefix: /coreos.com/network}"), shells(), () -> null, state);
        assertEquals("process on kube1 at [http://192.168.90.11:2379] (asked for in the spec)", p.report());
        assertEquals(List.of("http://192.168.90.11:2379"), p.endpoints());
        assertEquals(local, p.local());
        assertEquals("ELF etcd", kube1.file(NodeEtcd.BIN));
        int start = events.first("setsid sh -c 'echo $$ > /run/vxlab-etcd.pid && exec \"$0\" \"$@\"' " + NodeEtcd.BIN + " '--name' 'kube1'");
        assertTrue(start >= 0, events.all().toString());
        assertTrue(events.first("kube1 put " + NodeEtcd.BIN) < start);
    }

    @Test
    void aRerunFindsItsOwnEtcdOnTheNodeAndStartsNothing() {
        gateway.upFrom(local, 0);
        kube1.on("readlink /proc/$p/exe", FakeShell.ok(""));
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, on: kube1, prefix: /coreos.com/network}"), shells(), () -> null, state);
        assertTrue(p.report().endsWith("(asked for in the spec; already running on kube1)"), p.report());
        assertEquals(-1, events.first("setsid"));
        assertEquals(-1, events.first("put"));
    }

    @Test
    void anEtcdThatVxlabDidNotStartOnTheNodeIsRefused() {
        gateway.upFrom(local, 0);
        kube1.on("readlink /proc/$p/exe", FakeShell.fail(""));
        kube1.on("docker inspect", FakeShell.fail(""));
        VxlabException e = assertThrows(VxlabException.class,
                () -> placement.start(spec("etcd: {mode: process, on: kube1, prefix: /coreos.com/network}"), shells(), () -> null, state));
        assertTrue(e.getMessage().startsWith("an etcd that vxlab did not start already answers on kube1:2379"), e.getMessage());
    }

    @Test
    void containerModeOnANodeWithoutDockerSaysSoAndStartsNothing() {
        kube1.on("docker info", FakeShell.fail(""));
        VxlabException e = assertThrows(VxlabException.class,
                () -> placement.start(spec("etcd: {mode: container, on: kube1, prefix: /coreos.com/network}"), shells(), () -> null, state));
        assertEquals("etcd mode container on kube1: Docker does not answer there", e.getMessage());
        assertEquals(-1, events.first("docker run"));
    }

    @Test
    void hereTheContainerIsRecordedByNameBeforeItRunsAndDownRemovesIt() {
        gateway.upFrom("http://192.168.90.1:2379", 1);
        host.on("docker run", cmd -> {
            assertEquals("vxlab-etcdlab-etcd", recorded("etcdContainer"), "recorded before docker run");
            return new Host.Result(0, "f00d\n");
        });
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: container, prefix: /coreos.com/network}"), shells(),
                () -> Ip4.parse("192.168.90.1"), state);
        assertEquals("container at [http://192.168.90.1:2379] (asked for in the spec)", p.report());
        assertEquals("http://192.168.90.1:2379", p.local());
        assertEquals("http://192.168.90.1:2379", recorded("etcdEndpoint"));

        placement.stop(state);
        assertTrue(events.last("host run docker rm -f vxlab-etcdlab-etcd") > events.first("host run docker run"));
        assertEquals(null, recorded("etcdContainer"));
    }

    @Test
    void hereAsAProcessItsPidIsRecorded() {
        gateway.upFrom("http://192.168.90.1:2379", 1);
        placement.start(spec("etcd: {mode: process, prefix: /coreos.com/network}"), shells(), () -> Ip4.parse("192.168.90.1"), state);
        long pid = LabState.load(dir.resolve("state"), "etcdlab").pids().get("etcd");
        assertTrue(host.alive(pid));
        assertTrue(events.first("host spawn setsid sh -c echo $$ > \"$0\" && exec \"$@\" " + dir.resolve("state/etcd.pid")
                + " etcd --name vxlab-etcdlab") >= 0, events.all().toString());
    }

    /** What an up killed between starting etcd here and recording its PID leaves: etcd running, its own pid file. */
    long unrecordedEtcd(String dataDir) throws Exception {
        long pid = host.spawn(List.of("etcd", "--name", "vxlab-etcdlab", "--data-dir", dataDir), null);
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/etcd.pid"), pid + "\n");
        return pid;
    }

    @Test
    void anEtcdWhosePidWasNotRecordedIsFoundByItsOwnPidFileAtTheNextUpAndStoppedByDown() throws Exception {
        long pid = unrecordedEtcd(dir.resolve("state/etcd/data").toString());
        gateway.upFrom("http://192.168.90.1:2379", 0);
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, prefix: /coreos.com/network}"), shells(), () -> Ip4.parse("192.168.90.1"), state);
        assertTrue(p.report().contains("already running"), p.report());
        assertEquals(pid, LabState.load(dir.resolve("state"), "etcdlab").pids().get("etcd"), "the running etcd is recorded, not started again");

        state.pid("etcd", null);
        placement.stop(state);
        assertTrue(events.all().contains("host stop [" + pid + "]"), "down stops it by the PID it wrote: " + events.all());
    }

    @Test
    void aPidFileWhoseProcessIsNotThisLabsEtcdIsLeftAlone() throws Exception {
        long other = unrecordedEtcd("/var/lib/someone-elses-etcd");
        placement.stop(state);
        assertFalse(events.all().stream().anyMatch(l -> l.startsWith("host stop")), "process " + other + " is not the lab's: " + events.all());
        assertTrue(host.alive(other));
    }

    @Test
    void autoWithoutDockerFallsBackToTheBinaryAndSaysWhy() {
        gateway.upFrom("http://192.168.90.1:2379", 1);
        host.on("docker info", new Host.Result(1, "Cannot connect to the Docker daemon"));
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: auto, prefix: /coreos.com/network}"), shells(), () -> Ip4.parse("192.168.90.1"), state);
        assertEquals("process at [http://192.168.90.1:2379] (Docker does not answer; the etcd binary is installed (for etcd in a container:"
                + " scripts/start-docker.sh, then scripts/build-etcd-image.sh))", p.report());
    }

    @Test
    void autoWithTheDefaultImageUnpullableRunsTheLocallyBuiltOneInAContainer() {
        gateway.upFrom("http://192.168.90.1:2379", 1);
        host.on("docker image inspect quay.io/coreos/etcd:v3.5.17", new Host.Result(1, "No such image"));
        host.on("docker pull", new Host.Result(1, "dial tcp: lookup quay.io: no such host"));
        EtcdPlacement.Placed p = placement.start(spec("etcd: {prefix: /coreos.com/network}"), shells(), () -> Ip4.parse("192.168.90.1"), state);
        assertEquals("container at [http://192.168.90.1:2379] (Docker answers; quay.io/coreos/etcd:v3.5.17 cannot be pulled here, so the"
                + " locally built vxlab/etcd:local)", p.report());
        assertTrue(events.first("host run docker run -d --name vxlab-etcdlab-etcd") >= 0);
        assertTrue(events.all().get(events.first("host run docker run")).contains(" vxlab/etcd:local --name vxlab-etcdlab "),
                events.all().get(events.first("host run docker run")));
    }

    @Test
    void anImageTheSpecNamesIsNeverSwappedForTheLocalOne() {
        gateway.upFrom("http://192.168.90.1:2379", 1);
        host.on("docker image inspect registry.example/etcd:1", new Host.Result(1, "No such image"));
        host.on("docker pull", new Host.Result(1, "no such host"));
        EtcdPlacement.Placed p = placement.start(spec("etcd: {image: registry.example/etcd:1, prefix: /coreos.com/network}"), shells(),
                () -> Ip4.parse("192.168.90.1"), state);
        assertTrue(p.report().startsWith("process at [http://192.168.90.1:2379] (image registry.example/etcd:1 is neither present nor"
                + " pullable; the etcd binary is installed (for etcd in a container: scripts/build-etcd-image.sh"), p.report());
        assertEquals(-1, events.first("docker run"));
    }

    @Test
    void hereWithoutAnAddressOnTheLabsNetworkIsRefusedBeforeAnythingStarts() {
        VxlabException e = assertThrows(VxlabException.class,
                () -> placement.start(spec("etcd: {mode: process, prefix: /coreos.com/network}"), shells(), () -> null, state));
        assertTrue(e.getMessage().startsWith("etcd would run on this machine at 192.168.90.1"), e.getMessage());
        assertTrue(e.hint().startsWith("run etcd on a node: etcd: {mode: process, on: kube1}"), e.hint());
        assertEquals(List.of(), events.all().stream().filter(l -> l.startsWith("host ")).toList());
    }

    @Test
    void externalUsesTheGivenEndpointsAndRunsNothing() {
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: external, endpoints: [\"http://10.9.9.9:2379\"], prefix: /coreos.com/network}"),
                shells(), () -> null, state);
        assertEquals(List.of("http://10.9.9.9:2379"), p.endpoints());
        assertEquals(List.of(), events.all().stream().filter(l -> l.startsWith("host ")).toList());
    }

    @Test
    void theNetworkConfigIsFlannelsJsonUnderThePrefixAndARewriteIsUnchanged() {
        LabSpec spec = spec("etcd: {mode: process, prefix: /coreos.com/network}");
        assertTrue(placement.writeConfig(spec, state, "http://127.0.0.1:2379"));
        assertEquals("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1,\"Port\":8472,\"DirectRouting\":false}}",
                gateway.keys.get("http://127.0.0.1:2379 /coreos.com/network/config"));
        assertFalse(placement.writeConfig(spec, state, "http://127.0.0.1:2379"));
    }

    static String forwarded(FakeShell sh) {
        return "http://127.0.0.1:" + sh.forward("127.0.0.1", 2379);
    }

    @Test
    void threeMembersOnNodesEachStartedWithTheWholeClusterBeforeAnyIsWaitedFor() {
        FakeShell kube2 = new FakeShell("kube2", events);
        FakeShell kube3 = new FakeShell("kube3", events);
        Map<String, RemoteShell> shells = Map.of("kube1", kube1, "kube2", kube2, "kube3", kube3);
        for (FakeShell sh : List.of(kube1, kube2, kube3)) {
            gateway.upFrom(forwarded(sh), 1);
            sh.on("readlink /proc/$p/exe", FakeShell.fail(""));
            sh.on("docker inspect", FakeShell.fail(""));
        }
        // no member is waited for before the last one is started: the first is healthy only once a majority runs
        kube3.on("/opt/vxlab/etcd/bin/etcd '--name' 'kube3'", cmd -> {
            assertEquals(1, gateway.checks(forwarded(kube1)), "kube1 asked only whether it already ran");
            return FakeShell.ok("");
        });
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, on: [kube1, kube2, kube3], prefix: /coreos.com/network}"),
                shells, () -> null, state);
        assertEquals(List.of("http://192.168.90.11:2379", "http://192.168.90.12:2379", "http://192.168.90.13:2379"), p.endpoints());
        assertEquals("process on kube1, kube2, kube3 at " + p.endpoints() + " (3 members, asked for in the spec)", p.report());
        assertEquals(forwarded(kube1), p.local());
        String cluster = "kube1=http://192.168.90.11:2380,kube2=http://192.168.90.12:2380,kube3=http://192.168.90.13:2380";
        for (FakeShell sh : List.of(kube1, kube2, kube3)) {
            int start = events.first(sh.node + " exec if [ -f /run/vxlab-etcd.pid ]");
            assertTrue(start >= 0, events.all().toString());
            String line = events.all().get(start);
            assertTrue(line.contains("'--initial-cluster' '" + cluster + "' '--initial-cluster-token' 'vxlab-etcdlab'"), line);
            assertTrue(line.contains("'--listen-peer-urls' 'http://192.168.90.1" + sh.node.charAt(4) + ":2380'"), line);
        }
    }

    @Test
    void aRerunStartsOnlyTheMemberThatIsDownAndItRejoins() {
        FakeShell kube2 = new FakeShell("kube2", events);
        FakeShell kube3 = new FakeShell("kube3", events);
        Map<String, RemoteShell> shells = Map.of("kube1", kube1, "kube2", kube2, "kube3", kube3);
        for (FakeShell sh : List.of(kube1, kube3)) {
            gateway.upFrom(forwarded(sh), 0);
            sh.on("readlink /proc/$p/exe", FakeShell.ok(""));
        }
        gateway.upFrom(forwarded(kube2), 1);
        kube2.on("readlink /proc/$p/exe", FakeShell.fail(""));
        kube2.on("docker inspect", FakeShell.fail(""));
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, on: [kube1, kube2, kube3], prefix: /coreos.com/network}"),
                shells, () -> null, state);
        assertTrue(p.report().endsWith("(3 members, asked for in the spec; restarted on kube2, which rejoined)"), p.report());
        assertEquals(-1, events.first("kube1 exec if [ -f /run/vxlab-etcd.pid ]"));
        assertEquals(-1, events.first("kube3 exec if [ -f /run/vxlab-etcd.pid ]"));
        assertTrue(events.first("kube2 exec if [ -f /run/vxlab-etcd.pid ]") >= 0);
    }

    @Test
    void threeMembersHereOnPortsOfTheirOwnEachPidRecorded() {
        for (String url : List.of("http://192.168.90.1:2379", "http://192.168.90.1:22379", "http://192.168.90.1:32379")) {
            gateway.upFrom(url, 1);
        }
        EtcdPlacement.Placed p = placement.start(spec("etcd: {mode: process, members: 3, prefix: /coreos.com/network}"), shells(),
                () -> Ip4.parse("192.168.90.1"), state);
        assertEquals(List.of("http://192.168.90.1:2379", "http://192.168.90.1:22379", "http://192.168.90.1:32379"), p.endpoints());
        Map<String, Long> pids = LabState.load(dir.resolve("state"), "etcdlab").pids();
        for (String role : List.of("etcd", "etcd-2", "etcd-3")) {
            assertTrue(host.alive(pids.get(role)), role);
        }
        String cluster = "vxlab-etcdlab=http://192.168.90.1:2380,vxlab-etcdlab-2=http://192.168.90.1:22380,vxlab-etcdlab-3=http://192.168.90.1:32380";
        assertTrue(events.first("host spawn setsid sh -c echo $$ > \"$0\" && exec \"$@\" " + dir.resolve("state/etcd-3.pid")
                + " etcd --name vxlab-etcdlab-3 --data-dir " + dir.resolve("state").resolve("etcd").resolve("data-3")) >= 0,
                events.all().toString());
        assertTrue(events.first("--initial-cluster " + cluster + " ") >= 0, events.all().toString());
    }

    @Test
    void threeContainersHereEachRecordedBeforeItRunsAndDownRemovesThemAll() {
        for (String url : List.of("http://192.168.90.1:2379", "http://192.168.90.1:22379", "http://192.168.90.1:32379")) {
            gateway.upFrom(url, 1);
        }
        host.on("docker run", cmd -> {
            String name = cmd.get(cmd.indexOf("--name") + 1);
            LabState now = LabState.load(dir.resolve("state"), "etcdlab");
            assertTrue(name.equals(now.string("etcdContainer")) || now.list("etcdContainers").contains(name), "recorded before docker run: " + name);
            return new Host.Result(0, "f00d\n");
        });
        placement.start(spec("etcd: {mode: container, members: 3, prefix: /coreos.com/network}"), shells(), () -> Ip4.parse("192.168.90.1"), state);
        placement.stop(state);
        for (String c : List.of("vxlab-etcdlab-etcd", "vxlab-etcdlab-etcd-2", "vxlab-etcdlab-etcd-3")) {
            assertTrue(events.last("host run docker rm -f " + c) > events.first("host run docker run -d --name " + c), c);
        }
        assertEquals(null, recorded("etcdContainer"));
        assertEquals(List.of(), LabState.load(dir.resolve("state"), "etcdlab").list("etcdContainers"));
    }
}
