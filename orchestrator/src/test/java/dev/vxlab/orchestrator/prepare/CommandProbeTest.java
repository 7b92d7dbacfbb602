package dev.vxlab.orchestrator.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandProbeTest {

    @Test
    void theProbeLine() {
        assertEquals("for c in ip bridge iptables firewall-cmd docker dnf yum apt-get; do "
                + "if command -v \"$c\" >/dev/null 2>&1 || [ -x \"/usr/sbin/$c\" ] || [ -x \"/sbin/$c\" ]; "
                + "then echo \"$c\"; fi; done", CommandProbe.COMMAND);
    }

    @Test
    void parsesOneCommandALine() {
        assertEquals(Set.of("ip", "bridge", "dnf"), CommandProbe.parse("ip\nbridge\ndnf\n"));
    }

    @Test
    void carriageReturnsBlanksAndStrayOutputAreIgnored() {
        assertEquals(Set.of("ip", "apt-get"), CommandProbe.parse("Last login: today\r\n  ip \r\n\r\napt-get\r\nsudo\r\n"));
    }

    @Test
    void nothingFound() {
        assertEquals(Set.of(), CommandProbe.parse(""));
    }

    /**
     * The line runs in a real /bin/sh (no root, no network) with a PATH holding only fake docker and apt-get:
     * they are found, the exit status is 0 although the last command probed may be missing, and nothing but
     * probed names is printed (whatever this machine has in /usr/sbin and /sbin adds to the result).
     */
    @Test
    void runsInAPosixShell(@TempDir Path bin) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        for (String name : new String[] {"docker", "apt-get"}) {
            Files.writeString(bin.resolve(name), "#!/bin/sh\n");
            Files.setPosixFilePermissions(bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", CommandProbe.COMMAND);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Set<String> found = CommandProbe.parse(out);
        assertTrue(found.containsAll(Set.of("docker", "apt-get")), out);
        assertEquals(out.strip().lines().count(), found.size(), out);
    }
}
