package dev.vxlab.orchestrator.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.fake.Events;
import dev.vxlab.orchestrator.fake.FakeHost;
import dev.vxlab.orchestrator.lab.Host;
import dev.vxlab.orchestrator.lab.LabState;
import dev.vxlab.orchestrator.spec.LabSpec;
import dev.vxlab.orchestrator.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's talk with Vagrant, against a hand-written machine: which commands it runs and how it reads failures. */
class VagrantProviderTest {
    /** What Vagrant 2.3.4 prints (Errors::MachineLocked) when another Vagrant process holds a machine's index entry. */
    static final String LOCKED = "Vagrant can't use the requested machine because it is locked! This\n"
            + "means that another Vagrant process is currently reading or modifying\n"
            + "the machine. Please wait for that Vagrant process to end and try\n"
            + "again. Details about the machine are shown below:\n\n  Name: vt-kube3\n  Provider: docker\n";

    static String sshConfig(String... machines) {
        StringBuilder b = new StringBuilder();
        int port = 2222;
        for (String m : machines) {
            b.append("Host ").append(m).append("\n  HostName 127.0.0.1\n  User vagrant\n  Port ").append(port++)
                    .append("\n  IdentityFile /keys/").append(m).append("\n  IdentitiesOnly yes\n  LogLevel FATAL\n\n");
        }
        return b.toString();
    }

    @TempDir
    Path dir;

    LabSpec spec() {
        return SpecLoader.parse("lab.yaml", "name: vt\nprovider: vagrant\nunderlay: {cidr: 192.168.56.0/24, hostIp: 192.168.56.1}\n"
                + "nodes:\n  - {name: kube1, ip: 192.168.56.11}\n  - {name: kube2, ip: 192.168.56.12}\n  - {name: kube3, ip: 192.168.56.13}\n");
    }

    VagrantProvider provider(Host host, List<String> verbose) {
        return new VagrantProvider(spec(), LabState.load(dir.resolve("labs"), "vt"), dir, host, verbose::add);
    }

    /** This machine, whose {@code vagrant ssh-config} answers by attempt (1, 2, ...), each attempt counted in {@code asked}. */
    static FakeHost sshConfigAnswering(AtomicInteger asked, java.util.function.IntFunction<Host.Result> answer) {
        return new FakeHost(new Events()).on("vagrant ssh-config", cmd -> answer.apply(asked.incrementAndGet()));
    }

    @Test
    void aLockedMachineIsAskedAgainUntilVagrantLetsGo() {
        AtomicInteger asked = new AtomicInteger();
        FakeHost host = sshConfigAnswering(asked,
                n -> n <= 2 ? new Host.Result(1, LOCKED) : new Host.Result(0, sshConfig("vt-kube1", "vt-kube2", "vt-kube3")));
        List<String> verbose = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        provider(host, verbose).up(progress::add);
        assertEquals(3, asked.get(), "asked twice more after two locked answers");
        assertEquals(2, verbose.stream().filter(l -> l.contains("locked by another Vagrant process")).count(), String.join("\n", verbose));
        assertEquals(3, progress.stream().filter(l -> l.contains("(machine vt-kube")).count(), String.join("\n", progress));
    }

    @Test
    void aMachineLockedForGoodFailsWithVagrantsWordsAfterBoundedAttempts() {
        AtomicInteger asked = new AtomicInteger();
        FakeHost host = sshConfigAnswering(asked, n -> new Host.Result(1, LOCKED));
        VxlabException e = assertThrows(VxlabException.class, () -> provider(host, new ArrayList<>()).up(l -> { }));
        assertEquals(VagrantProvider.LOCKED_ATTEMPTS, asked.get());
        assertTrue(e.getMessage().contains("vagrant ssh-config failed") && e.getMessage().contains("because it is locked"), e.getMessage());
    }

    @Test
    void anyOtherFailureIsNotAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        FakeHost host = sshConfigAnswering(asked,
                n -> new Host.Result(1, "The machine with the name 'vt-kube3' was not found configured for\nthis Vagrant environment."));
        assertThrows(VxlabException.class, () -> provider(host, new ArrayList<>()).up(l -> { }));
        assertEquals(1, asked.get());
    }

    @Test
    void statusIsAskedAgainToo() {
        Events events = new Events();
        AtomicInteger asked = new AtomicInteger();
        FakeHost host = new FakeHost(events)
                .on("vagrant ssh-config", new Host.Result(0, sshConfig("vt-kube1", "vt-kube2", "vt-kube3")))
                .on("vagrant status", cmd -> asked.incrementAndGet() == 1 ? new Host.Result(1, LOCKED)
                        : new Host.Result(0, "1,vt-kube1,state,running\n1,vt-kube2,state,running\n1,vt-kube3,state,running\n"));
        List<String> progress = new ArrayList<>();
        provider(host, new ArrayList<>()).up(progress::add);
        assertEquals(2, asked.get());
        assertTrue(events.all().stream().noneMatch(l -> l.startsWith("host run vagrant up")), "every machine runs: " + events.all());
        assertEquals(3, progress.stream().filter(l -> l.contains(" running (machine vt-kube")).count(), String.join("\n", progress));
    }

    VagrantProvider fromTrigger(Host host, List<String> verbose, String handed) {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("VXLAB_FROM_VAGRANT", "1"));
        if (handed != null) {
            env.put("VXLAB_VAGRANT_SSH_CONFIG", handed);
        }
        return new VagrantProvider(spec(), LabState.load(dir.resolve("labs"), "vt"), dir, host, verbose::add, env);
    }

    @Test
    void startedByTheTriggerTheFactsItHandsOverAreUsedAndVagrantIsNotAsked() {
        Events events = new Events();
        FakeHost host = new FakeHost(events).on("vagrant", new Host.Result(1, LOCKED));
        List<String> progress = new ArrayList<>();
        // as the Vagrantfile writes them: every value quoted, a backslash before a quote or a backslash
        String handed = "Host vt-kube1\n  HostName \"127.0.0.1\"\n  Port 2201\n  User \"vagrant\"\n  IdentityFile \"/keys/my \\\"lab\\\"/k1\"\n"
                + "Host vt-kube2\n  HostName \"127.0.0.1\"\n  Port 2202\n  User \"vagrant\"\n  IdentityFile \"/keys/k2\"\n"
                + "Host vt-kube3\n  HostName \"127.0.0.1\"\n  Port 2203\n  User \"vagrant\"\n  IdentityFile \"/keys/k3\"\n";
        VagrantProvider provider = fromTrigger(host, new ArrayList<>(), handed);
        provider.up(progress::add);
        assertTrue(events.all().stream().noneMatch(l -> l.startsWith("host run vagrant")), "no Vagrant process: " + events.all());
        assertTrue(progress.contains("kube1 running (machine vt-kube1, ssh vagrant@127.0.0.1:2201)"), String.join("\n", progress));
        assertEquals("/keys/my \"lab\"/k1", provider.target(spec().nodes().get(0)).identity().toString());
        assertEquals(2203, provider.target(spec().nodes().get(2)).port());
    }

    @Test
    void factsHandedForSomeMachinesOnlyOrNoneAreAskedOfVagrant() {
        for (String handed : new String[] {sshConfig("vt-kube1", "vt-kube2"), null, "", "Host vt-kube1\n  HostName \"127.0.0.1\n"}) {
            AtomicInteger asked = new AtomicInteger();
            FakeHost host = sshConfigAnswering(asked, n -> new Host.Result(0, sshConfig("vt-kube1", "vt-kube2", "vt-kube3")));
            List<String> progress = new ArrayList<>();
            fromTrigger(host, new ArrayList<>(), handed).up(progress::add);
            assertEquals(1, asked.get(), "handed: " + handed);
            assertEquals(3, progress.stream().filter(l -> l.contains(" running (machine vt-kube")).count(), String.join("\n", progress));
            assertTrue(progress.get(0).startsWith("asking vagrant ssh-config: "), String.join("\n", progress));
        }
    }

    @Test
    void factsInTheEnvironmentOfAVxlabNotStartedByTheTriggerAreNotTrusted() {
        AtomicInteger asked = new AtomicInteger();
        FakeHost host = sshConfigAnswering(asked, n -> new Host.Result(0, sshConfig("vt-kube1", "vt-kube2", "vt-kube3")))
                .on("vagrant status", new Host.Result(0, "1,vt-kube1,state,running\n1,vt-kube2,state,running\n1,vt-kube3,state,running\n"));
        new VagrantProvider(spec(), LabState.load(dir.resolve("labs"), "vt"), dir, host, l -> { },
                java.util.Map.of("VXLAB_VAGRANT_SSH_CONFIG", sshConfig("vt-kube1", "vt-kube2", "vt-kube3").replace("/keys/", "/elsewhere/"))).up(l -> { });
        assertEquals(1, asked.get());
    }

    @Test
    void lockedIsVagrantsMachineLockedMessageOnly() {
        assertTrue(VagrantProvider.Vagrant.locked(LOCKED));
        assertFalse(VagrantProvider.Vagrant.locked("An action 'up' was attempted on the machine 'vt-kube1',\nbut another process is already executing an action"));
        assertFalse(VagrantProvider.Vagrant.locked(""));
    }
}
