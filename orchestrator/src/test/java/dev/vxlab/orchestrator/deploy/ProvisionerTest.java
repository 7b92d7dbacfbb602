package dev.vxlab.orchestrator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeShell;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.transport.RemoteShell;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning steps against a hand-written node: changed/unchanged per file, what is recorded for down, the agent's failures. */
class ProvisionerTest {
    @TempDir
    Path dir;

    final Events events = new Events();
    final FakeShell node = new FakeShell("kube1", events);

    static final List<RenderedFile> FILES = List.of(new RenderedFile("/etc/sysconfig/flanneld", "FLANNEL_OPTIONS=\"--iface=eth1\"\n", "0644"),
            new RenderedFile("/etc/systemd/system/vxlabd.service", "[Service]\n", "0644"));

    LabSpec spec(String... extra) {
        return Specs.load(dir, "prov", "netns", extra);
    }

    static List<String> lines(List<Provisioner.Outcome> outcomes) {
        return outcomes.stream().map(o -> o.what() + " " + (o.changed() ? "changed" : "unchanged")).toList();
    }

    @Test
    void eachFileIsChangedOnceThenUnchangedAndOnlyAChangedFileIsWrittenAgain() {
        Provisioner p = new Provisioner(spec());
        assertEquals(List.of("/etc/sysconfig/flanneld changed", "/etc/systemd/system/vxlabd.service changed"), lines(p.pushFiles(node, "kube1", FILES)));
        assertEquals(List.of("/etc/sysconfig/flanneld unchanged", "/etc/systemd/system/vxlabd.service unchanged"),
                lines(p.pushFiles(node, "kube1", FILES)));
        List<RenderedFile> edited = List.of(FILES.get(0), new RenderedFile("/etc/systemd/system/vxlabd.service", "[Service]\nNice=5\n", "0644"));
        assertEquals(List.of("/etc/sysconfig/flanneld unchanged", "/etc/systemd/system/vxlabd.service changed"), lines(p.pushFiles(node, "kube1", edited)));
        assertEquals("[Service]\nNice=5\n", node.file("/etc/systemd/system/vxlabd.service"));
    }

    @Test
    void onAHostVxlabDoesNotOwnEachFileIsRecordedBeforeItIsPushedAndAFileThatWasThereIsCopiedAside() {
        LabState state = LabState.load(dir.resolve("state"), "prov");
        node.on("if [ -e '/etc/sysconfig/flanneld' ]", FakeShell.ok("saved\n"));
        node.on("if [ -e '/etc/systemd/system/vxlabd.service' ]", FakeShell.ok("new\n"));
        node.failPut("/etc/systemd/system/vxlabd.service");
        Provisioner p = new Provisioner(spec(), state);

        VxlabException e = assertThrows(VxlabException.class, () -> p.pushFiles(node, "kube1", FILES));
        assertTrue(e.getMessage().contains("kube1"), e.getMessage());
        // read back from disk: what down will find after vxlab stopped here
        LabState after = LabState.load(dir.resolve("state"), "prov");
        assertEquals(List.of("/etc/sysconfig/flanneld"), after.list("saved/kube1"));
        assertEquals(List.of("/etc/systemd/system/vxlabd.service"), after.list("made/kube1"), "recorded before the upload that failed");
        assertTrue(events.first("cp -p '/etc/sysconfig/flanneld' '/etc/sysconfig/flanneld.vxlab-orig'") < events.first("kube1 put /etc/sysconfig/flanneld"),
                "the host's own file is copied aside before it is replaced");
    }

    @Test
    void aFileRecordedOnceIsNotCopiedAsideAgain() {
        LabState state = LabState.load(dir.resolve("state"), "prov");
        node.on("if [ -e ", FakeShell.ok("saved\n"));
        Provisioner p = new Provisioner(spec(), state);
        p.pushFiles(node, "kube1", FILES);
        int copies = (int) events.all().stream().filter(l -> l.contains("cp -p")).count();
        p.pushFiles(node, "kube1", FILES);
        assertEquals(copies, events.all().stream().filter(l -> l.contains("cp -p")).count(), "the copy of the host's file is not overwritten by vxlab's");
    }

    @Test
    void iptablesRulesAreAddedOnlyWhenMissingAndEachAddedOneIsRecorded() {
        LabState state = LabState.load(dir.resolve("state"), "prov");
        Provisioner p = new Provisioner(spec("firewall: iptables"), state);
        node.on("iptables -C", FakeShell.fail(""));
        Provisioner.Outcome first = p.firewall(node, "kube1");
        assertEquals("iptables rules changed", first.what() + " " + (first.changed() ? "changed" : "unchanged"));
        List<String> recorded = state.list("rules/kube1");
        assertFalse(recorded.isEmpty());
        recorded.forEach(r -> assertTrue(events.first("iptables -C " + r + " 2>/dev/null") >= 0, r));
        recorded.forEach(r -> assertTrue(events.first("kube1 exec iptables -I " + r) >= 0, r));

        node.on("iptables -C", FakeShell.ok(""));
        int inserts = (int) events.all().stream().filter(l -> l.contains("iptables -I")).count();
        assertFalse(p.firewall(node, "kube1").changed(), "a rule iptables -C finds is left alone");
        assertEquals(inserts, events.all().stream().filter(l -> l.contains("iptables -I")).count());
        assertEquals(recorded, state.list("rules/kube1"));
    }

    static final String DIRECT_RULES = "ipv4 filter FORWARD 0 -i flannel.1 -o docker0 -j ACCEPT\n"
            + "ipv4 filter FORWARD 0 -i docker0 -o flannel.1 -j ACCEPT\n"
            + "ipv4 filter INPUT 0 -p udp --dport 8472 -s 192.168.90.0/24 -j ACCEPT\n";

    @Test
    void aRunningFirewalldIsReloadedOnlyWhileItsDirectRulesAreNotTheLabsAndNoIptablesRuleIsAdded() {
        AtomicBoolean reloaded = new AtomicBoolean();
        node.on("firewall-cmd --state", FakeShell.ok("running\n"));
        node.on("firewall-cmd --direct --get-all-rules", cmd -> FakeShell.ok(reloaded.get() ? DIRECT_RULES : ""));
        node.on("firewall-cmd --reload", cmd -> {
            reloaded.set(true);
            return FakeShell.ok("success\n");
        });
        Provisioner p = new Provisioner(spec("firewall: firewalld"));
        Provisioner.Outcome first = p.firewall(node, "kube1");
        assertEquals("firewalld reloaded with /etc/firewalld/direct.xml changed", lines(List.of(first)).get(0));
        Provisioner.Outcome again = p.firewall(node, "kube1");
        assertEquals("firewalld direct rules (/etc/firewalld/direct.xml) unchanged", lines(List.of(again)).get(0));
        assertEquals(1, events.all().stream().filter(l -> l.contains("firewall-cmd --reload")).count(), "a reload flushes the agent's chains: only when needed");
        assertFalse(events.all().stream().anyMatch(l -> l.contains("iptables")), events.all().toString());
    }

    @Test
    void aFirewalldThatDoesNotLoadTheRulesIsAnErrorNamingTheNodeAndWhatItHolds() {
        node.on("firewall-cmd --state", FakeShell.ok("running\n"));
        node.on("firewall-cmd --direct --get-all-rules", FakeShell.ok("ipv4 filter INPUT 0 -p tcp --dport 22 -j ACCEPT\n"));
        node.on("firewall-cmd --reload", FakeShell.ok("success\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> new Provisioner(spec("firewall: firewalld")).firewall(node, "kube1"));
        assertEquals("firewalld on kube1 did not load the lab's rules from /etc/firewalld/direct.xml (it holds ipv4 filter INPUT 0 -p tcp --dport 22 "
                + "-j ACCEPT)", e.getMessage());
    }

    @Test
    void withFirewalldNotRunningTheSameRulesGoInWithIptables() {
        node.on("firewall-cmd --state", FakeShell.fail("not running"));
        node.on("iptables -C", FakeShell.fail(""));
        Provisioner.Outcome o = new Provisioner(spec("firewall: firewalld")).firewall(node, "kube1");
        assertEquals("iptables rules (firewalld not running) changed", lines(List.of(o)).get(0));
        assertTrue(events.first("iptables -I 'INPUT' '-p' 'udp' '--dport' '8472'") >= 0, events.all().toString());
        assertTrue(events.first("firewall-cmd --reload") < 0);
    }

    @Test
    void aRuleIsRecordedBeforeItIsAddedSoThatAnUpStoppedThereLeavesNoRuleDownDoesNotKnow() {
        LabState state = LabState.load(dir.resolve("state"), "prov");
        node.on("iptables -C", FakeShell.fail(""));
        node.on("iptables -I", FakeShell.fail("iptables: Resource temporarily unavailable."));
        assertThrows(VxlabException.class, () -> new Provisioner(spec("firewall: iptables"), state).firewall(node, "kube1"));
        // read back from disk: what down will find after vxlab stopped here
        List<String> recorded = LabState.load(dir.resolve("state"), "prov").list("rules/kube1");
        assertEquals(1, recorded.size(), "the rule whose insert was under way is recorded");
        assertTrue(events.first("kube1 exec iptables -I " + recorded.get(0)) >= 0);
    }

    @Test
    void aFailingIptablesRuleSaysWhichRuleAndWhere() {
        node.on("iptables -C", FakeShell.fail("iptables: command not found"));
        node.on("iptables -I", FakeShell.fail("iptables: command not found"));
        VxlabException e = assertThrows(VxlabException.class, () -> new Provisioner(spec("firewall: iptables")).firewall(node, "kube1"));
        assertTrue(e.getMessage().startsWith("iptables rule `") && e.getMessage().contains("failed on kube1: iptables: command not found"),
                e.getMessage());
    }

    @Test
    void theAgentWritesItsOwnPidFileBeforeItStartsAndTheRestartScriptWaitsForIt() {
        String script = Provisioner.RESTART_SCRIPT;
        // no window between starting the agent and recording its PID: an up killed there leaves no agent down cannot find
        assertTrue(script.contains("setsid sh -c 'echo $$ > /run/vxlabd.pid && exec /opt/vxlab/bin/vxlabd'"), script);
        assertFalse(script.contains("echo $! >"), "the PID is not written by the script after the start: " + script);
        assertTrue(script.indexOf("rm -f /run/vxlabd.pid") < script.indexOf("setsid sh -c"), "the old agent's PID is gone first");
        assertTrue(script.contains("while [ ! -s /run/vxlabd.pid ]"), "done only once the new PID is there: " + script);
    }

    @Test
    void theAgentStartsOnceAndARerunWithTheSameJarLeavesItRunning() {
        Provisioner p = new Provisioner(spec());
        node.on("[ -d /run/systemd/system ]", FakeShell.fail(""));
        byte[] jar = {1, 2, 3};
        byte[] launcher = "#!/bin/sh\n".getBytes();
        Provisioner.Outcome first = p.agent(node, jar, launcher, false);
        assertEquals("vxlabd started", first.what());
        assertTrue(first.changed());
        int started = events.first(e -> e.startsWith("kube1 exec ") && e.contains("/opt/vxlab/bin/vxlabd-restart"));
        assertTrue(started > events.last("kube1 put /opt/vxlab/bin/vxlabd-restart"), "started after its files are in place");
        assertTrue(started > events.last("kube1 put /opt/vxlab/bin/vxlabd"), "started after its files are in place");

        node.on("kill -0", FakeShell.ok(""));
        Provisioner.Outcome again = p.agent(node, jar, launcher, false);
        assertEquals("vxlabd (running)", again.what());
        assertFalse(again.changed());

        // the jar replaced where the node sees it (a netns lab's shared lib): nothing uploaded or hashed, the agent restarts
        int before = events.all().size();
        Provisioner.Outcome shared = p.agent(node, null, launcher, true);
        assertEquals("vxlabd started", shared.what());
        assertTrue(shared.changed());
        assertTrue(events.all().subList(before, events.all().size()).stream().noneMatch(e -> e.contains("vxlabd.jar")), events.all().toString());
        Provisioner.Outcome sharedAgain = p.agent(node, null, launcher, false);
        assertEquals("vxlabd (running)", sharedAgain.what());
    }

    @Test
    void anAgentThatExitsWithoutALeaseIsReportedWithItsNodeAndItsOwnExplanation() {
        node.on("if [ -s /run/flannel/subnet.env ]", new RemoteShell.Result(Provisioner.AGENT_GONE, "", ""));
        node.on("/ERROR|refusing|hint/", FakeShell.ok("ERROR refusing 10.0.2.15: hint: --iface=eth1\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> new Provisioner(spec()).awaitLease(node, "kube1", 5));
        assertTrue(e.getMessage().startsWith("vxlabd on kube1 exited without a lease:"), e.getMessage());
        assertTrue(e.getMessage().contains("--iface=eth1"), e.getMessage());
        assertTrue(e.hint().contains("vxlab ssh prov kube1"), e.hint());
    }

    @Test
    void theLeaseIsTheSubnetEnvTheAgentWrote() {
        node.file("/run/flannel/subnet.env", "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.7.1/24\n");
        node.on("if [ -s /run/flannel/subnet.env ]", cmd -> FakeShell.ok(node.file("/run/flannel/subnet.env")));
        assertTrue(new Provisioner(spec()).awaitLease(node, "kube1", 5).contains("FLANNEL_SUBNET=10.244.7.1/24"));
    }

    /** The wait itself, run by a real shell: a file that appears late, an agent that is not running, no lease in time. */
    @Test
    void theWaitOnTheNodeSeesTheFileTheAgentAndTheClock(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String env = dir.resolve("subnet.env").toString();
        String pid = dir.resolve("vxlabd.pid").toString();
        java.util.function.Function<Long, String> cmd = s -> Provisioner.awaitLeaseCommand(s)
                .replace(Provisioner.SUBNET_ENV, env).replace(Provisioner.AGENT_PID, pid);
        // an "agent" that runs: this test's own sleep, its pid in the file
        Process agent = new ProcessBuilder("sleep", "30").start();
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(pid), agent.pid() + "\n");
            Process late = new ProcessBuilder("sh", "-c", "sleep 0.3; printf 'FLANNEL_SUBNET=10.244.9.1/24\\n' > " + env + ".tmp; mv " + env + ".tmp " + env).start();
            Process wait = new ProcessBuilder("sh", "-c", cmd.apply(5L)).start();
            assertEquals(0, wait.waitFor());
            assertEquals("FLANNEL_SUBNET=10.244.9.1/24\n", new String(wait.getInputStream().readAllBytes()));
            late.waitFor();
            java.nio.file.Files.delete(java.nio.file.Path.of(env));
            Process slow = new ProcessBuilder("sh", "-c", cmd.apply(1L)).start();
            assertEquals(Provisioner.LEASE_LATE, slow.waitFor(), "no lease within the time");
        } finally {
            agent.destroyForcibly().waitFor();
        }
        Process gone = new ProcessBuilder("sh", "-c", cmd.apply(5L)).start();
        assertEquals(Provisioner.AGENT_GONE, gone.waitFor(), "the agent's pid runs no more");
    }
}
