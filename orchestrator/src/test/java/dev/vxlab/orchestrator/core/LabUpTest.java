package dev.vxlab.orchestrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.deploy.Provisioner;
import dev.vxlab.orchestrator.fake.FakeNode;
import dev.vxlab.orchestrator.fake.FakeShell;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code up} pipeline over hand-written fakes of its interfaces (a provider's machines and nodes, etcd's
 * placement, this machine): the order of the steps, changed/unchanged per file on a re-run, a node that fails
 * named, and what is in the lab's state before each side effect.
 */
class LabUpTest {
    @TempDir
    Path dir;

    Fixture f;
    Path spec;

    Fixture fixture() {
        f = new Fixture(dir.resolve("home"));
        spec = Specs.write(dir, "uplab", "netns");
        return f;
    }

    Verification up() {
        return new LabUp(f.context()).up(spec, null, f.report);
    }

    @Test
    void theStepsRunInOrderAndEachEndsOnEveryNodeBeforeTheNextBegins() {
        fixture();
        Verification v = up();
        assertEquals(List.of("machines", "prepare", "etcd", "files", "agents", "verify"), f.report.steps);
        assertTrue(v.ok(), v.failed().toString());
        assertEquals(6, v.pairs());
        var e = f.events;
        assertTrue(e.first("machines preflight") < e.first("machines up"));
        assertTrue(e.first("machines up") < e.first("connect "));
        assertTrue(e.last("os-release") < e.first("etcd start"), "prepare ends on all nodes before etcd");
        assertTrue(e.first("etcd start [kube1, kube2, kube3]") < e.first("etcd config http://127.0.0.1:40001"));
        assertTrue(e.first("etcd config") < e.first(" put /etc/"), "the files name etcd: written after it runs");
        assertTrue(e.last(l -> l.contains(" put /etc/") || l.contains("iptables")) < e.first(" put " + Provisioner.AGENT_JAR),
                "every node has its files before any agent is installed");
        assertTrue(e.last("/opt/vxlab/bin/vxlabd-restart") < e.first("cat /run/flannel/subnet.env"));
        assertTrue(e.last("cat /run/flannel/subnet.env") < e.first("vxtest0"), "every lease before the first test container");
        for (String node : List.of("kube1", "kube2", "kube3")) {
            assertTrue(f.machines.node(node).closed(), node + "'s session is closed at the end");
        }
    }

    @Test
    void eachFileAndStepIsReportedChangedAndARerunReportsThemAllUnchanged() {
        fixture();
        up();
        List<String> first = List.copyOf(f.report.lines);
        assertTrue(first.contains("kube2 /etc/sysconfig/flanneld changed"), first.toString());
        assertTrue(first.contains("kube3 vxlabd started changed"), first.toString());
        assertTrue(first.contains("network config /coreos.com/network/config written"), first.toString());
        assertTrue(first.contains("kube1 lease FLANNEL_SUBNET=10.244.1.1/24"), first.toString());
        assertTrue(first.contains("kube1 Debian GNU/Linux 12 (bookworm), packages present unchanged"), first.toString());

        f.report.lines.clear();
        up();
        List<String> again = List.copyOf(f.report.lines);
        assertTrue(again.contains("kube2 /etc/sysconfig/flanneld unchanged"), again.toString());
        assertTrue(again.contains("kube3 vxlabd (running) unchanged"), again.toString());
        assertTrue(again.contains("network config /coreos.com/network/config unchanged"), again.toString());
        assertEquals(List.of(), again.stream().filter(l -> l.endsWith(" changed") || l.contains("started")).toList());
    }

    @Test
    void anAgentThatFailsOnOneNodeIsNamedWithItsReasonAndTheOtherNodesStillReport() {
        fixture();
        f.machines.node("kube2").agentRefuses("ERROR refusing to use eth0 10.0.2.15 (the NAT address); hint: --iface=eth1");
        VxlabException e = assertThrows(VxlabException.class, this::up);
        assertTrue(e.getMessage().startsWith("the agent step failed on 1 node(s):\n  vxlabd on kube2 exited without a lease:"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.2.15") && e.getMessage().contains("--iface=eth1"), e.getMessage());
        assertTrue(f.report.has("kube2 FAILED"), f.report.lines.toString());
        assertTrue(f.report.has("kube1 lease FLANNEL_SUBNET=10.244.1.1/24"));
        assertTrue(f.report.has("kube3 lease FLANNEL_SUBNET=10.244.3.1/24"));
        assertFalse(f.report.steps.contains("verify"));
        assertTrue(f.machines.node("kube1").closed(), "sessions are closed on failure too");
    }

    @Test
    void aFailingNodeInAParallelStepStopsThePipelineWithThatNodesName() {
        fixture();
        f.machines.node("kube3").failPut("/etc/sysconfig/flanneld");
        VxlabException e = assertThrows(VxlabException.class, this::up);
        assertTrue(e.getMessage().contains("/etc/sysconfig/flanneld to kube3"), e.getMessage());
        assertEquals(-1, f.events.first(" put " + Provisioner.AGENT_JAR), "no agent is started on a half-provisioned lab");
    }

    @Test
    void theSpecIsRecordedAfterTheChecksAndBeforeTheMachinesAreMade() {
        fixture();
        f.machines.atPreflight = () -> assertFalse(f.state("uplab").exists(), "preflight changes nothing, not even the state");
        f.machines.atUp = () -> assertEquals(spec.toAbsolutePath().toString(), f.state("uplab").string("spec"),
                "down finds the lab's spec even when up stops inside the provider");
        up();
    }

    @Test
    void onHostsVxlabDoesNotOwnEveryFileItMakesIsRecordedForDown() {
        fixture();
        f.machines.owns = false;
        f.machines.nodes.values().forEach(n -> n.on("if [ -e ", FakeNode.ok("new\n")));
        up();
        List<String> made = f.state("uplab").list("made/kube1");
        assertTrue(made.contains("/etc/sysconfig/flanneld"), made.toString());
    }

    @Test
    void onMachinesTheLabOwnsNoFileIsTrackedOneByOne() {
        fixture();
        up();
        assertEquals(List.of(), f.state("uplab").list("made/kube1"));
        assertEquals(-1, f.events.first("cp -p"));
    }

    @Test
    void nodesThatShareThisMachinesProgramsAreNotPrepared() {
        fixture();
        f.machines.sharesPrograms = true;
        up();
        assertTrue(f.report.has("kube1 packages and java: this machine's (a netns node shares its programs)"), f.report.lines.toString());
        assertEquals(-1, f.events.first("os-release"));
        assertEquals(-1, f.events.first("java -XshowSettings"));
    }

    @Test
    void aHostKeyPinnedOnFirstContactIsReported() {
        fixture();
        f.machines.node("kube2").pinned("ssh-ed25519 SHA256:abc");
        up();
        assertTrue(f.report.has("kube2 host key pinned on first contact: ssh-ed25519 SHA256:abc"));
    }

    @Test
    void aFailedPairIsInTheVerificationNotAnError() {
        fixture();
        f.machines.node("kube1").unreachable.add(2);
        Verification v = up();
        assertEquals(List.of("kube1 -> kube3"), v.failed());
        assertNull(v.rtt()[0][2]);
        assertNotNull(v.rtt()[2][0]);
        assertEquals("10.244.3.2", v.containers().get("kube3"));
    }

    @Test
    void aLabThatIsUpWithAnotherProviderIsRefusedBeforeAnythingIsMade() {
        fixture();
        LabState st = f.state("uplab");
        st.put("provider", "vagrant");
        VxlabException e = assertThrows(VxlabException.class, this::up);
        assertEquals("lab uplab is up with provider vagrant, not netns", e.getMessage());
        assertEquals("`vxlab down uplab` first", e.hint());
        assertEquals(List.of(), f.events.all());
    }

    @Test
    void machinesNamedAfterTheirNodesHaveEtcdStartedBesideTheirSessionsAndTheStepsStayInOrder() {
        fixture();
        f.machines.namedAfterNodes = true;
        Verification v = up();
        assertTrue(v.ok(), v.failed().toString());
        assertEquals(List.of("machines", "prepare", "etcd", "files", "agents", "verify"), f.report.steps);
        var e = f.events;
        assertTrue(e.first("machines up") < e.first("etcd start []"), "started once the machines are up, needing no session: " + e.all());
        assertTrue(e.first("etcd config") < e.first(" put /etc/"), "the files name etcd: written after it runs");
        assertTrue(List.copyOf(f.report.lines).stream().anyMatch(l -> l.contains("process on kube1 at [http://192.168.90.11:2379] (fake)")), f.report.lines.toString());
    }

    @Test
    void machinesThatShareAHostnameAreRefusedBeforeAnythingIsInstalled() {
        fixture();
        f.machines.node("kube1").on("/proc/sys/kernel/hostname", FakeShell.ok("vm\n"));
        f.machines.node("kube3").on("/proc/sys/kernel/hostname", FakeShell.ok("VM\n"));
        VxlabException e = assertThrows(VxlabException.class, this::up);
        assertTrue(e.getMessage().startsWith("machines share a hostname: kube1 and kube3 are all called vm."), e.getMessage());
        assertTrue(e.hint().contains("hostnamectl set-hostname"), e.hint());
        assertEquals(-1, f.events.first(" put "), "nothing was pushed");
        assertEquals(-1, f.events.first("os-release"), "nothing was prepared");
        assertEquals(-1, f.events.first("etcd start"), "etcd was not started");
    }
}
