package dev.vxlab.orchestrator.core;

import dev.vxlab.orchestrator.provider.Machines;
import dev.vxlab.orchestrator.transport.SshjShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** {@code vxlab ssh}: the system's ssh client to a lab node, with the lab's key and pinned host keys (strict checking). */
public final class LabSsh {
    private final LabContext context;

    public LabSsh(LabContext context) {
        this.context = context;
    }

    /** Runs ssh to {@code node} of lab {@code specOrName} (a shell, or {@code cmd}) on this terminal; returns its exit code. */
    public int ssh(String specOrName, String node, List<String> cmd) {
        Lab l = Lab.resolve(context.home(), specOrName);
        Machines machines = context.providers().machines(l.spec(), l.state());
        SshjShell.Target t = machines.target(l.node(node));
        machines.checkReach(t);
        List<String> ssh = new ArrayList<>(List.of("ssh", "-i", t.identity().toString(), "-p", String.valueOf(t.port()), "-o",
                "UserKnownHostsFile=" + t.knownHosts(), "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR"));
        if (t.alias() != null) {
            ssh.addAll(List.of("-o", "HostKeyAlias=" + t.alias()));
        }
        ssh.add(t.user() + "@" + t.host());
        ssh.addAll(cmd);
        try {
            return new ProcessBuilder(ssh).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
