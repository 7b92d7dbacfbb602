package dev.vxlab.orchestrator.prepare;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.prepare.OsRelease.Family;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What to install on a node before the lab can run there: computed from its os-release, the commands it
 * already has ({@link CommandProbe}) and what the lab needs; applied by a thin executor that runs
 * {@link #commands()} in order and stops at the first failure.
 *
 * <p>Design notes:
 * <ul>
 *   <li>Commands, not packages, are probed: a node that has {@code iptables} from anywhere (a backport, a
 *       hand-built binary) needs nothing, and an image that lacks a package manager's database still reports
 *       the truth. Packages are only the means to get a missing command.</li>
 *   <li>Package names per family: iproute2 / iproute (ip and bridge); iptables on Debian, iptables-nft on Red Hat
 *       8 and later and plain iptables on 7 (by {@code VERSION_ID}; an unreadable version counts as current);
 *       firewalld on both.</li>
 *   <li>Docker: docker.io on the Debian family. The Red Hat family has no Docker in its base repositories, so
 *       the plan lists it in {@link #manual()} with a hint instead of adding a vendor repository behind the
 *       user's back. Two distributions that do ship it are the exception: Fedora ({@code moby-engine}) and
 *       Amazon Linux ({@code docker}).</li>
 *   <li>Debian commands set {@code DEBIAN_FRONTEND=noninteractive} on each apt-get (a prefix applies to one
 *       command only), and {@code apt-get update} runs first because a fresh image has no package lists. Red
 *       Hat uses dnf, or yum where the probe found no dnf (RHEL/CentOS 7, Amazon Linux 2).</li>
 *   <li>The commands need root; a caller connected as another user prefixes them with sudo. Package names
 *       are constants, so nothing in the commands needs quoting.</li>
 *   <li>An unknown distribution is only an error when something is missing: a prepared Alpine or Arch node
 *       runs labs fine.</li>
 * </ul>
 *
 * @param packages what to install, in a stable order; empty when nothing is missing or installable
 * @param commands the shell lines that install {@code packages}, to run in order; empty when there are none
 * @param manual   missing commands vxlab will not install: the caller fails with their reason and hint
 */
public record PackagePlan(List<String> packages, List<String> commands, List<Manual> manual) {

    /** What the lab needs besides iproute2 (ip, bridge), which it always needs. */
    public record Needs(boolean firewalld, boolean iptables, boolean docker) {
        /** The commands these needs come down to, in the order the plan lists their packages. */
        public List<String> commands() {
            List<String> commands = new ArrayList<>(List.of("ip", "bridge"));
            if (iptables) {
                commands.add("iptables");
            }
            if (firewalld) {
                commands.add("firewall-cmd");
            }
            if (docker) {
                commands.add("docker");
            }
            return commands;
        }
    }

    /** A missing command left to the user: which, why it is not installed, and how to get it. */
    public record Manual(String command, String reason, String hint) {
    }

    public static final String DOCKER_HINT = "install Docker CE (https://docs.docker.com/engine/install/) or use etcd mode: process";

    private static final PackagePlan NOTHING = new PackagePlan(List.of(), List.of(), List.of());

    public PackagePlan {
        packages = List.copyOf(packages);
        commands = List.copyOf(commands);
        manual = List.copyOf(manual);
    }

    /** True when nothing is to be installed: the step reports "unchanged" (check {@link #manual()} as well). */
    public boolean unchanged() {
        return commands.isEmpty();
    }

    /**
     * The plan for a node running {@code os} that has the commands in {@code present} (a {@link CommandProbe}
     * result, package managers included). Throws when something is missing on a distribution vxlab does not
     * know, or when the package manager it would use is missing.
     */
    public static PackagePlan plan(OsRelease os, Set<String> present, Needs needs) {
        List<String> missing = needs.commands().stream().filter(c -> !present.contains(c)).toList();
        if (missing.isEmpty()) {
            return NOTHING;
        }
        Family family = os.family();
        if (family == Family.UNKNOWN) {
            throw new VxlabException(os.prettyName() + " (ID=" + os.id() + ") lacks " + String.join(", ", missing)
                    + ", and vxlab installs packages only on the Debian and Red Hat families",
                    "install what provides them by hand and run again");
        }
        Set<String> packages = new LinkedHashSet<>();
        List<Manual> manual = new ArrayList<>();
        for (String command : missing) {
            Optional<String> pkg = packageFor(os, family, command);
            if (pkg.isPresent()) {
                packages.add(pkg.get());
            } else {
                manual.add(new Manual(command, command + " is not in the base repositories of " + os.prettyName(), DOCKER_HINT));
            }
        }
        List<String> list = List.copyOf(packages);
        return new PackagePlan(list, list.isEmpty() ? List.of() : install(os, family, present, list), manual);
    }

    /** The package that provides {@code command} on this distribution; empty when none in its base repositories. */
    static Optional<String> packageFor(OsRelease os, Family family, String command) {
        boolean debian = family == Family.DEBIAN;
        return switch (command) {
            case "ip", "bridge" -> Optional.of(debian ? "iproute2" : "iproute");
            case "iptables" -> Optional.of(debian || os.majorVersion().orElse(Integer.MAX_VALUE) < 8 ? "iptables" : "iptables-nft");
            case "firewall-cmd" -> Optional.of("firewalld");
            case "docker" -> debian ? Optional.of("docker.io") : switch (os.id()) {
                case "fedora" -> Optional.of("moby-engine");
                case "amzn" -> Optional.of("docker");
                default -> Optional.empty();
            };
            default -> throw new IllegalArgumentException("no package known for command " + command);
        };
    }

    private static List<String> install(OsRelease os, Family family, Set<String> present, List<String> packages) {
        String names = String.join(" ", packages);
        if (family == Family.DEBIAN && present.contains("apt-get")) {
            return List.of("DEBIAN_FRONTEND=noninteractive apt-get update -q",
                    "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends " + names);
        }
        if (family == Family.RHEL && (present.contains("dnf") || present.contains("yum"))) {
            return List.of((present.contains("dnf") ? "dnf" : "yum") + " install -y " + names);
        }
        throw new VxlabException(os.prettyName() + " has no " + (family == Family.DEBIAN ? "apt-get" : "dnf or yum")
                + " to install " + names + " with", "install " + names + " by hand and run again");
    }
}
