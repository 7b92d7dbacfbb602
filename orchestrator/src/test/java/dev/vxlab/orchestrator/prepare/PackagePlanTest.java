package dev.vxlab.orchestrator.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.prepare.PackagePlan.Manual;
import dev.vxlab.orchestrator.prepare.PackagePlan.Needs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackagePlanTest {
    private static final Needs ALL = new Needs(true, true, true);
    private static final Needs IPROUTE_ONLY = new Needs(false, false, false);
    private static final List<String> LAB_COMMANDS = List.of("ip", "bridge", "iptables", "firewall-cmd", "docker");
    private static final String APT_UPDATE = "DEBIAN_FRONTEND=noninteractive apt-get update -q";
    private static final String APT_INSTALL = "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ";

    private static PackagePlan plan(String os, Needs needs, String... present) {
        return PackagePlan.plan(OsReleaseFixtures.load(os), Set.of(present), needs);
    }

    private static Manual dockerManual(String prettyName) {
        return new Manual("docker", "docker is not in the base repositories of " + prettyName, PackagePlan.DOCKER_HINT);
    }

    // ---- Debian family

    @Test
    void debianBareImageGetsEverythingWithApt() {
        assertEquals(new PackagePlan(List.of("iproute2", "iptables", "firewalld", "docker.io"),
                List.of(APT_UPDATE, APT_INSTALL + "iproute2 iptables firewalld docker.io"), List.of()),
                plan("debian-12", ALL, "apt-get"));
    }

    @Test
    void ubuntuMissingBridgeOnly() {
        PackagePlan p = plan("ubuntu-22.04", new Needs(false, true, false), "apt-get", "ip", "iptables");
        assertEquals(List.of("iproute2"), p.packages());
        assertEquals(List.of(APT_UPDATE, APT_INSTALL + "iproute2"), p.commands());
        assertTrue(p.manual().isEmpty());
    }

    @Test
    void ipAndBridgeMissingInstallIproute2Once() {
        assertEquals(List.of("iproute2"), plan("debian-12", IPROUTE_ONLY, "apt-get").packages());
    }

    @Test
    void aDerivativeByIdLikeUsesDebianNames() {
        assertEquals(List.of(APT_UPDATE, APT_INSTALL + "iproute2 docker.io"),
                plan("linuxmint-21.3", new Needs(false, false, true), "apt-get").commands());
    }

    @Test
    void debianWithoutAptGetIsAnError() {
        VxlabException e = assertThrows(VxlabException.class, () -> plan("debian-12", ALL, "ip", "bridge", "docker"));
        assertEquals("Debian GNU/Linux 12 (bookworm) has no apt-get to install iptables firewalld with", e.getMessage());
        assertEquals("install iptables firewalld by hand and run again", e.hint());
    }

    // ---- Red Hat family

    @Test
    void rockyGetsIptablesNftWithDnfAndLeavesDockerToTheUser() {
        assertEquals(new PackagePlan(List.of("iproute", "iptables-nft", "firewalld"), List.of("dnf install -y iproute iptables-nft firewalld"),
                List.of(dockerManual("Rocky Linux 9.3 (Blue Onyx)"))), plan("rocky-9", ALL, "dnf", "yum"));
    }

    @Test
    void almaLinux8IsNftToo() {
        assertEquals(List.of("dnf install -y iptables-nft"),
                plan("almalinux-8", new Needs(true, true, false), "dnf", "ip", "bridge", "firewall-cmd").commands());
    }

    @Test
    void centos7UsesYumAndPlainIptables() {
        assertEquals(List.of("yum install -y iproute iptables firewalld"),
                plan("centos-7", new Needs(true, true, false), "yum").commands());
    }

    @Test
    void dnfIsPreferredToYum() {
        assertEquals(List.of("dnf install -y iptables"), plan("centos-7", new Needs(false, true, false), "dnf", "yum", "ip", "bridge").commands());
    }

    @Test
    void fedoraShipsDockerAsMobyEngine() {
        assertEquals(new PackagePlan(List.of("iptables-nft", "moby-engine"), List.of("dnf install -y iptables-nft moby-engine"), List.of()),
                plan("fedora-39", ALL, "dnf", "ip", "bridge", "firewall-cmd"));
    }

    @Test
    void amazonLinuxShipsDocker() {
        assertEquals(new PackagePlan(List.of("iproute", "iptables-nft", "docker"), List.of("dnf install -y iproute iptables-nft docker"), List.of()),
                plan("amzn-2023", new Needs(false, true, true), "dnf"));
    }

    @Test
    void amazonLinux2IsVersionTwoWithYum() {
        OsRelease al2 = OsRelease.parse("NAME=\"Amazon Linux\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\n"
                + "PRETTY_NAME=\"Amazon Linux 2\"\n");
        assertEquals(List.of("yum install -y iptables docker"), PackagePlan.plan(al2, Set.of("yum", "ip", "bridge"), new Needs(false, true, true)).commands());
    }

    @Test
    void onlyDockerMissingOnRockyInstallsNothingButReportsIt() {
        PackagePlan p = plan("rocky-9", ALL, "dnf", "ip", "bridge", "iptables", "firewall-cmd");
        assertTrue(p.unchanged());
        assertEquals(List.of(), p.packages());
        assertEquals(List.of(dockerManual("Rocky Linux 9.3 (Blue Onyx)")), p.manual());
    }

    @Test
    void anUnreadableVersionCountsAsCurrent() {
        OsRelease rawhide = OsRelease.parse("ID=fedora\nVERSION_ID=rawhide\nPRETTY_NAME=\"Fedora Linux 40 (Rawhide)\"\n");
        assertEquals(List.of("iptables-nft"), PackagePlan.plan(rawhide, Set.of("dnf", "ip", "bridge"), new Needs(false, true, false)).packages());
    }

    @Test
    void redHatWithoutDnfOrYumIsAnError() {
        VxlabException e = assertThrows(VxlabException.class, () -> plan("rocky-9", IPROUTE_ONLY, "apt-get"));
        assertEquals("Rocky Linux 9.3 (Blue Onyx) has no dnf or yum to install iproute with", e.getMessage());
    }

    @Test
    void aMissingPackageManagerDoesNotMatterWhenOnlyDockerIsMissing() {
        PackagePlan p = plan("rocky-9", new Needs(false, false, true), "ip", "bridge");
        assertEquals(List.of(dockerManual("Rocky Linux 9.3 (Blue Onyx)")), p.manual());
        assertTrue(p.unchanged());
    }

    // ---- unknown distributions

    @Test
    void alpineWithEverythingIsFine() {
        assertTrue(plan("alpine-3.19", ALL, "ip", "bridge", "iptables", "firewall-cmd", "docker").unchanged());
    }

    @Test
    void alpineMissingSomethingNamesTheDistroAndTheCommands() {
        VxlabException e = assertThrows(VxlabException.class, () -> plan("alpine-3.19", ALL, "ip", "iptables", "docker"));
        assertEquals("Alpine Linux v3.19 (ID=alpine) lacks bridge, firewall-cmd, and vxlab installs packages only on the "
                + "Debian and Red Hat families", e.getMessage());
        assertEquals("install what provides them by hand and run again", e.hint());
    }

    // ---- nothing to do

    @ParameterizedTest
    @ValueSource(strings = {"debian-12", "ubuntu-22.04", "rocky-9", "centos-7", "fedora-39", "amzn-2023", "alpine-3.19"})
    void everythingPresentIsUnchanged(String os) {
        PackagePlan p = plan(os, ALL, "ip", "bridge", "iptables", "firewall-cmd", "docker");
        assertEquals(new PackagePlan(List.of(), List.of(), List.of()), p);
        assertTrue(p.unchanged());
    }

    @Test
    void whatTheLabDoesNotNeedIsNotInstalled() {
        assertTrue(plan("debian-12", IPROUTE_ONLY, "apt-get", "ip", "bridge").unchanged());
    }

    @Test
    void needsComeDownToCommandsInPlanOrder() {
        assertEquals(List.of("ip", "bridge", "iptables", "firewall-cmd", "docker"), ALL.commands());
        assertEquals(List.of("ip", "bridge"), IPROUTE_ONLY.commands());
        assertEquals(List.of("ip", "bridge", "firewall-cmd"), new Needs(true, false, false).commands());
    }

    // ---- every distribution × every need × every subset of commands present, against a table kept here

    /** What provides ip/bridge, iptables, firewall-cmd, docker (null: left to the user) and the install line. */
    private record Expect(String iproute, String iptables, String docker, String install) {
    }

    private static final Map<String, Expect> EXPECT = Map.of(
            "debian-12", new Expect("iproute2", "iptables", "docker.io", APT_INSTALL),
            "ubuntu-22.04", new Expect("iproute2", "iptables", "docker.io", APT_INSTALL),
            "linuxmint-21.3", new Expect("iproute2", "iptables", "docker.io", APT_INSTALL),
            "rocky-9", new Expect("iproute", "iptables-nft", null, "dnf install -y "),
            "almalinux-8", new Expect("iproute", "iptables-nft", null, "dnf install -y "),
            "centos-7", new Expect("iproute", "iptables", null, "dnf install -y "),
            "fedora-39", new Expect("iproute", "iptables-nft", "moby-engine", "dnf install -y "),
            "amzn-2023", new Expect("iproute", "iptables-nft", "docker", "dnf install -y "));

    @Test
    void everyCombination() {
        int plans = 0;
        for (String os : OsReleaseFixtures.ALL) {
            OsRelease release = OsReleaseFixtures.load(os);
            for (int n = 0; n < 8; n++) {
                Needs needs = new Needs((n & 1) != 0, (n & 2) != 0, (n & 4) != 0);
                for (int have = 0; have < 1 << LAB_COMMANDS.size(); have++) {
                    Set<String> present = new HashSet<>(Set.of("dnf", "apt-get"));
                    for (int i = 0; i < LAB_COMMANDS.size(); i++) {
                        if ((have & 1 << i) != 0) {
                            present.add(LAB_COMMANDS.get(i));
                        }
                    }
                    check(os, release, needs, present);
                    plans++;
                }
            }
        }
        assertEquals(9 * 8 * 32, plans);
    }

    private static void check(String os, OsRelease release, Needs needs, Set<String> present) {
        List<String> missing = needs.commands().stream().filter(c -> !present.contains(c)).toList();
        String where = os + " " + needs + " has " + present;
        Expect expect = EXPECT.get(os);
        if (expect == null) {
            if (missing.isEmpty()) {
                assertTrue(PackagePlan.plan(release, present, needs).unchanged(), where);
            } else {
                assertThrows(VxlabException.class, () -> PackagePlan.plan(release, present, needs), where);
            }
            return;
        }
        Set<String> packages = new LinkedHashSet<>();
        List<String> manual = new ArrayList<>();
        for (String c : missing) {
            switch (c) {
                case "ip", "bridge" -> packages.add(expect.iproute());
                case "iptables" -> packages.add(expect.iptables());
                case "firewall-cmd" -> packages.add("firewalld");
                default -> {
                    if (expect.docker() == null) {
                        manual.add("docker");
                    } else {
                        packages.add(expect.docker());
                    }
                }
            }
        }
        PackagePlan p = PackagePlan.plan(release, present, needs);
        assertEquals(List.copyOf(packages), p.packages(), where);
        assertEquals(manual, p.manual().stream().map(Manual::command).toList(), where);
        assertEquals(packages.isEmpty(), p.unchanged(), where);
        if (!packages.isEmpty()) {
            assertEquals(expect.install() + String.join(" ", packages), p.commands().get(p.commands().size() - 1), where);
        }
    }
}
