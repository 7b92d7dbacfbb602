package dev.vxlab.orchestrator.prepare;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the commands provisioning cares about a node already has: one shell line to run there, and its
 * output read back into a set for {@link PackagePlan}.
 *
 * <p>{@code command -v} alone is not enough: a non-root login shell often lacks {@code /usr/sbin} and
 * {@code /sbin} in its PATH, where ip, bridge, iptables and firewall-cmd live (in {@code /sbin} on systems
 * without the merged /usr), so those directories are looked at too. The loop uses {@code if} rather than
 * {@code a || b && echo} so that it exits 0 whatever the last command's fate: a non-zero exit means the
 * probe itself could not run.
 */
public final class CommandProbe {
    /** The commands probed: what the lab needs, and the package managers that could install the rest. */
    public static final List<String> COMMANDS = List.of("ip", "bridge", "iptables", "firewall-cmd", "docker", "dnf", "yum", "apt-get");

    /** The POSIX sh line that prints, one a line, each of {@link #COMMANDS} the node has. */
    public static final String COMMAND = "for c in " + String.join(" ", COMMANDS) + "; do "
            + "if command -v \"$c\" >/dev/null 2>&1 || [ -x \"/usr/sbin/$c\" ] || [ -x \"/sbin/$c\" ]; "
            + "then echo \"$c\"; fi; done";

    private CommandProbe() {
    }

    /** The commands named in the probe's output; anything that is not one of {@link #COMMANDS} is ignored. */
    public static Set<String> parse(String stdout) {
        Set<String> present = new LinkedHashSet<>();
        for (String line : stdout.split("\r?\n")) {
            String name = line.trim();
            if (COMMANDS.contains(name)) {
                present.add(name);
            }
        }
        return Set.copyOf(present);
    }
}
