package dev.vxlab.orchestrator.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxlab.orchestrator.prepare.OsRelease.Family;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OsReleaseTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            debian-12      | debian    |                    | 12       | Debian GNU/Linux 12 (bookworm)    | DEBIAN  | 12
            ubuntu-22.04   | ubuntu    | debian             | 22.04    | Ubuntu 22.04.4 LTS                | DEBIAN  | 22
            linuxmint-21.3 | linuxmint | ubuntu debian      | 21.3     | Linux Mint 21.3                   | DEBIAN  | 21
            rocky-9        | rocky     | rhel centos fedora | 9.3      | Rocky Linux 9.3 (Blue Onyx)       | RHEL    | 9
            almalinux-8    | almalinux | rhel centos fedora | 8.9      | AlmaLinux 8.9 (Midnight Oncilla)  | RHEL    | 8
            centos-7       | centos    | rhel fedora        | 7        | CentOS Linux 7 (Core)             | RHEL    | 7
            fedora-39      | fedora    |                    | 39       | Fedora Linux 39 (Container Image) | RHEL    | 39
            amzn-2023      | amzn      | fedora             | 2023     | Amazon Linux 2023.3.20240219      | RHEL    | 2023
            alpine-3.19    | alpine    |                    | 3.19.1   | Alpine Linux v3.19                | UNKNOWN | 3
            """)
    void recordedReleases(String file, String id, String idLike, String versionId, String prettyName, Family family, int major) {
        OsRelease os = OsReleaseFixtures.load(file);
        assertEquals(new OsRelease(id, idLike == null ? List.of() : List.of(idLike.split(" ")), versionId, prettyName), os);
        assertEquals(family, os.family());
        assertEquals(OptionalInt.of(major), os.majorVersion());
    }

    @Test
    void shellQuotingAndEscapes() {
        OsRelease os = OsRelease.parse("""
                ID='my-distro'
                PRETTY_NAME="My \\"Distro\\" costs \\$0 \\\\ and \\n stays"
                VERSION_ID=1.0\\ beta
                ID_LIKE='debian'"" # trailing comment
                """);
        assertEquals(new OsRelease("my-distro", List.of("debian"), "1.0 beta", "My \"Distro\" costs $0 \\ and \\n stays"), os);
    }

    @Test
    void singleQuotesKeepBackslashes() {
        assertEquals("a\\\"b", OsRelease.parse("PRETTY_NAME='a\\\"b'").prettyName());
    }

    @Test
    void commentsBlankLinesJunkAndCarriageReturnsAreIgnored() {
        OsRelease os = OsRelease.parse("# vendor file\r\n\r\nID=fedora\r\nnot an assignment\r\n  VERSION_ID=39\r\n");
        assertEquals(new OsRelease("fedora", List.of(), "39", "Linux"), os);
    }

    @Test
    void theDefaultsOfOsReleaseFive() {
        assertEquals(new OsRelease("linux", List.of(), "", "Linux"), OsRelease.parse(""));
        assertEquals(Family.UNKNOWN, OsRelease.parse("").family());
    }

    @Test
    void theLastAssignmentWins() {
        assertEquals("ubuntu", OsRelease.parse("ID=debian\nID=ubuntu\n").id());
    }

    @Test
    void idsAreLowerCasedAndIdLikeSpacesCollapse() {
        OsRelease os = OsRelease.parse("ID=Rocky\nID_LIKE=\"  RHEL   centos \"\n");
        assertEquals("rocky", os.id());
        assertEquals(List.of("rhel", "centos"), os.idLike());
    }

    @Test
    void anUnterminatedQuoteIsReadToTheEndOfTheLine() {
        assertEquals("Broken Linux 1", OsRelease.parse("PRETTY_NAME=\"Broken Linux 1\nID=debian\n").prettyName());
    }

    @Test
    void familyFromIdLikeInItsOrder() {
        assertEquals(Family.RHEL, OsRelease.parse("ID=nobara\nID_LIKE=\"fedora\"").family());
        assertEquals(Family.DEBIAN, OsRelease.parse("ID=pop\nID_LIKE=\"ubuntu debian\"").family());
        assertEquals(Family.DEBIAN, OsRelease.parse("ID=raspbian\nID_LIKE=debian").family());
        assertEquals(Family.RHEL, OsRelease.parse("ID=ol\nID_LIKE=\"fedora\"").family());
        assertEquals(Family.RHEL, OsRelease.parse("ID=weird\nID_LIKE=\"suse rhel debian\"").family());
        assertEquals(Family.UNKNOWN, OsRelease.parse("ID=opensuse-leap\nID_LIKE=\"suse opensuse\"").family());
    }

    @Test
    void theIdWinsOverIdLike() {
        assertEquals(Family.DEBIAN, OsRelease.parse("ID=ubuntu\nID_LIKE=fedora").family());
    }

    @Test
    void majorVersion() {
        assertEquals(OptionalInt.empty(), new OsRelease("fedora", List.of(), "", "Fedora").majorVersion());
        assertEquals(OptionalInt.empty(), new OsRelease("fedora", List.of(), "rawhide", "Fedora").majorVersion());
        assertEquals(OptionalInt.of(2), new OsRelease("amzn", List.of(), "2", "Amazon Linux 2").majorVersion());
        assertEquals(OptionalInt.of(10), new OsRelease("centos", List.of(), "10-stream", "CentOS Stream 10").majorVersion());
    }
}
