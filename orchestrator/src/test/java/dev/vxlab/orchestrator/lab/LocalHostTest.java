package dev.vxlab.orchestrator.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How this machine's processes are told running, stopped or a zombie (what `down` waits on). */
class LocalHostTest {

    @Test
    void theStateIsReadAfterTheLastParenthesisOfTheCommand() {
        assertTrue(LocalHost.zombie("4242 (sleep) Z 1 4242 4242 0 -1"));
        assertFalse(LocalHost.zombie("4242 (sleep) S 1 4242 4242 0 -1"));
        assertTrue(LocalHost.zombie("77 (a) b) Z) Z 1 77"), "a command holding ') Z' itself");
        assertFalse(LocalHost.zombie("77 (a) Z) S 1 77"));
        assertFalse(LocalHost.zombie("garbage"));
    }

    /**
     * A real zombie: `sleep 0.1 &` whose parent then becomes `sleep 30` (exec), which never reaps it. It is
     * "alive" to ProcessHandle but not running; stopAll returns once it is a zombie and the parent is gone.
     */
    @Test
    void aZombieCountsAsStoppedAndStopAllEndsRealProcesses() throws Exception {
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            long child = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8)).readLine().trim());
            Path stat = Path.of("/proc/" + child + "/stat");
            for (int i = 0; i < 200 && !(Files.exists(stat) && LocalHost.zombie(Files.readString(stat))); i++) {
                Thread.sleep(25);
            }
            assertTrue(LocalHost.zombie(Files.readString(stat)), "the child is a zombie now: " + Files.readString(stat));
            ProcessHandle h = ProcessHandle.of(child).orElseThrow();
            assertTrue(h.isAlive(), "ProcessHandle calls a zombie alive");
            LocalHost host = new LocalHost();
            assertFalse(host.alive(child), "vxlab does not");
            assertTrue(host.alive(parent.pid()));

            host.stopAll(List.of(child, parent.pid(), parent.pid()), 5);
            // stopAll returns once the parent is a zombie or gone; the JVM's reaper may not have collected it yet
            assertFalse(host.alive(parent.pid()), "the parent was stopped");
            assertTrue(parent.waitFor(5, TimeUnit.SECONDS), "and it ends");
        } finally {
            parent.destroyForcibly();
        }
    }

    /** spawn: the PID is the command's own, the process is not this JVM's child (no reaper thread to hold its exit), its output is in the log. */
    @Test
    void aSpawnedProcessIsTheCommandItselfDetachedFromThisJvm(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        LocalHost host = new LocalHost();
        Path log = dir.resolve("out.log");
        Files.writeString(log, "before\n");
        long pid = host.spawn(List.of("sh", "-c", "echo started; echo oops >&2; exec sleep 30"), log);
        try {
            for (int i = 0; i < 200 && !Files.readString(log).contains("oops"); i++) {
                Thread.sleep(25);
            }
            assertTrue(Files.readString(log).startsWith("before\nstarted\n") && Files.readString(log).contains("oops\n"), Files.readString(log));
            assertTrue(host.alive(pid));
            for (int i = 0; i < 200 && !host.commandLine(pid).contains("sleep"); i++) {
                Thread.sleep(25);
            }
            assertTrue(host.commandLine(pid).equals(List.of("sleep", "30")), "the PID is the command's: " + host.commandLine(pid));
            assertFalse(ProcessHandle.current().children().anyMatch(h -> h.pid() == pid), "not this JVM's child");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("process reaper (pid " + pid + ")")));
        } finally {
            host.stopAll(List.of(pid), 5);
        }
        assertFalse(host.alive(pid));
    }

    @Test
    void aProgramThatIsNotThereIsRefusedBeforeAnythingStarts(@org.junit.jupiter.api.io.TempDir Path dir) {
        LocalHost host = new LocalHost();
        dev.vxlab.orchestrator.VxlabException e = org.junit.jupiter.api.Assertions.assertThrows(dev.vxlab.orchestrator.VxlabException.class,
                () -> host.spawn(List.of("/nonexistent/vxlab-no-such-program"), dir.resolve("out.log")));
        assertTrue(e.getMessage().contains("cannot start /nonexistent/vxlab-no-such-program"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(dev.vxlab.orchestrator.VxlabException.class,
                () -> host.spawn(List.of("vxlab-no-such-program-on-path"), dir.resolve("out.log")));
        assertFalse(Files.exists(dir.resolve("out.log")), "nothing was started");
        assertTrue(LocalHost.executable("sh") && LocalHost.executable("/bin/sh"));
    }
}
