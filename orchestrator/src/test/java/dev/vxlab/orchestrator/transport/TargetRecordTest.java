package dev.vxlab.orchestrator.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A node's SSH target survives the lab's state: what up recorded is what down and status connect to. */
class TargetRecordTest {
    @Test
    void aVagrantTargetWithAliasAndFirstUsePinningRoundTrips() {
        SshjShell.Target t = new SshjShell.Target("127.0.0.1", 2201, "vagrant", Path.of("/tmp/dot/machines/lab-kube1/docker/private_key"),
                Path.of("/root/.vxlab/labs/lab/ssh/known_hosts"), "kube1", true);
        assertEquals(t, SshjShell.Target.fromRecord(t.record()));
    }

    @Test
    void anSshProviderTargetWithoutAliasRoundTrips() {
        SshjShell.Target t = new SshjShell.Target("edge2.example.test", 2222, "admin", Path.of("/home/a b/.ssh/id_ed25519"),
                Path.of("/home/a b/.ssh/known_hosts"));
        assertEquals(t, SshjShell.Target.fromRecord(t.record()));
    }
}
