package dev.vxlab.orchestrator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeShell;
import dev.vxlab.orchestrator.fake.Specs;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** down on a host vxlab did not make: exactly what the state recorded is undone, and a file it could not put back is named. */
class NodeCleanupTest {
    @TempDir
    Path dir;

    final Events events = new Events();
    final FakeShell node = new FakeShell("kube2", events);

    LabState recorded() {
        LabState state = LabState.load(dir.resolve("state"), "clean");
        state.add("made/kube2", "/etc/systemd/system/vxlabd.service");
        state.add("saved/kube2", "/etc/sysconfig/flanneld");
        state.add("rules/kube2", "'FORWARD' '-s' '10.244.0.0/16' '-j' 'ACCEPT'");
        state.add("made/kube1", "/etc/other-node");
        return state;
    }

    @Test
    void removesWhatWasRecordedForThisNodeOnlyAndForgetsIt() {
        LabSpec spec = Specs.load(dir, "clean", "ssh");
        LabState state = recorded();
        NodeCleanup.run(node, spec, state, "kube2");
        String script = events.all().get(0);
        assertTrue(script.contains("rm -f '/etc/systemd/system/vxlabd.service';"), script);
        assertTrue(script.contains("mv -f '/etc/sysconfig/flanneld.vxlab-orig' '/etc/sysconfig/flanneld'"), script);
        assertTrue(script.contains("iptables -D 'FORWARD' '-s' '10.244.0.0/16' '-j' 'ACCEPT'"), script);
        assertTrue(script.contains("ip link del flannel.1"), script);
        assertTrue(!script.contains("/etc/other-node"), "kube1's files are kube1's business");
        assertEquals(List.of(), state.list("made/kube2"));
        assertEquals(List.of(), state.list("saved/kube2"));
        assertEquals(List.of(), state.list("rules/kube2"));
        assertEquals(List.of("/etc/other-node"), state.list("made/kube1"));
    }

    @Test
    void aFileThatCouldNotBePutBackIsNamedAndStaysRecorded() {
        LabSpec spec = Specs.load(dir, "clean", "ssh");
        LabState state = recorded();
        node.on("systemctl", FakeShell.ok("vxlab-restore-failed /etc/sysconfig/flanneld\n"));
        VxlabException e = assertThrows(VxlabException.class, () -> NodeCleanup.run(node, spec, state, "kube2"));
        assertTrue(e.getMessage().contains("cleaning up kube2 failed: could not put back /etc/sysconfig/flanneld"), e.getMessage());
        assertEquals(List.of("/etc/sysconfig/flanneld"), state.list("saved/kube2"), "still recorded: the next down tries again");
    }
}
