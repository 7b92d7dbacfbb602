package dev.vxlab.orchestrator.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.provider.vagrant.SshConfig.Machine;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Recorded {@code vagrant ssh-config} output under src/test/resources/vagrant/ssh-config, and the error cases. */
class SshConfigTest {

    private static Path dir() {
        try {
            return Path.of(SshConfigTest.class.getResource("/vagrant/ssh-config").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Machine> fixture(String name) throws IOException {
        return SshConfig.parse(Files.readString(dir().resolve(name), StandardCharsets.UTF_8));
    }

    private static List<Path> paths(String... paths) {
        return Stream.of(paths).map(Path::of).toList();
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList().stream();
        }
    }

    /** Every recorded output, including any added later, reads and names at least one reachable machine. */
    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureReads(String name) throws IOException {
        Map<String, Machine> machines = fixture(name);
        assertFalse(machines.isEmpty());
        machines.forEach((key, m) -> {
            assertEquals(key, m.name());
            assertFalse(m.hostName().isEmpty());
            assertFalse(m.user().isEmpty());
            assertFalse(m.identityFiles().isEmpty());
        });
    }

    @Test
    void dockerProvider() throws IOException {
        assertEquals(Map.of("kube1", new Machine("kube1", "127.0.0.1", 2222, "vagrant",
                paths("/root/vxlab/labs/quickstart/.vagrant/machines/kube1/docker/private_key"))), fixture("docker.txt"));
    }

    @Test
    void virtualboxKeyPathInQuotesWithASpace() throws IOException {
        assertEquals(Map.of("default", new Machine("default", "127.0.0.1", 2222, "vagrant",
                paths("/home/alice/My Labs/vxlab/.vagrant/machines/default/virtualbox/private_key"))),
                fixture("virtualbox-quoted-space.txt"));
    }

    @Test
    void libvirtGuestAddressAndEveryIdentityFileInOrder() throws IOException {
        assertEquals(Map.of("kube1", new Machine("kube1", "192.168.121.47", 22, "vagrant", paths(
                "/home/alice/.vagrant.d/insecure_private_keys/vagrant.key.ed25519",
                "/home/alice/.vagrant.d/insecure_private_keys/vagrant.key.rsa"))), fixture("libvirt-insecure-keys.txt"));
    }

    @Test
    void threeMachinesInPrintedOrder() throws IOException {
        Map<String, Machine> machines = fixture("docker-three-machines.txt");
        assertEquals(List.of("kube1", "kube2", "kube3"), List.copyOf(machines.keySet()));
        assertEquals(List.of(2222, 2200, 2201), machines.values().stream().map(Machine::port).toList());
        assertEquals(paths("/root/vxlab/labs/quickstart/.vagrant/machines/kube3/docker/private_key"),
                machines.get("kube3").identityFiles());
    }

    @Test
    void windowsLineEndings() throws IOException {
        Map<String, Machine> machines = fixture("windows-crlf.txt");
        assertEquals(new Machine("kube2", "127.0.0.1", 2200, "vagrant",
                paths("C:/Users/Alice Smith/vxlab/.vagrant/machines/kube2/virtualbox/private_key")), machines.get("kube2"));
        assertEquals(2, machines.size());
    }

    /** Recorded from a real `vagrant ssh-config` (docker provider, three machines, ports assigned on collision). */
    @Test
    void recordedDockerProviderOutput() throws IOException {
        Map<String, Machine> machines = fixture("recorded-docker-three-machines.txt");
        assertEquals(List.of("kube1", "kube2", "kube3"), List.copyOf(machines.keySet()));
        assertEquals(new Machine("kube1", "127.0.0.1", 2200, "vagrant",
                paths("/tmp/vxlab-vagrant-dot/machines/kube1/docker/private_key")), machines.get("kube1"));
        assertEquals(List.of(2200, 2222, 2201), machines.values().stream().map(Machine::port).toList());
    }

    @Test
    void keywordsAreCaseInsensitiveAndMayUseEquals() {
        Machine m = SshConfig.parse("host kube1\n  HOSTNAME=10.0.0.5\n  user = root\n\tport\t2022\n  identityfile=/k\n").get("kube1");
        assertEquals(new Machine("kube1", "10.0.0.5", 2022, "root", paths("/k")), m);
    }

    @Test
    void commentsBlankLinesAndTrailingCommentsAreIgnored() {
        String text = "# written by hand\n\nHost kube1\n  # the forwarded port\n  HostName 127.0.0.1 # docker\n"
                + "  Port 2222\n\n  User vagrant\n";
        assertEquals(new Machine("kube1", "127.0.0.1", 2222, "vagrant", List.of()), SshConfig.parse(text).get("kube1"));
    }

    @Test
    void theFirstValueOfAKeywordWinsAsInOpenSsh() {
        Machine m = SshConfig.parse("Host a\n HostName h1\n HostName h2\n Port 22\n Port 2222\n User u\n").get("a");
        assertEquals("h1", m.hostName());
        assertEquals(22, m.port());
    }

    @Test
    void quotesAndEscapes() {
        Machine m = SshConfig.parse("Host a\n HostName h\n Port 22\n User 'u'\n"
                + " IdentityFile /keys/with\\ space\n IdentityFile \"/keys/a \\\"quoted\\\" name\"\n"
                + " IdentityFile C:\\Users\\alice\\key\n IdentityFile /keys/#not-a-comment\n").get("a");
        assertEquals("u", m.user());
        assertEquals(paths("/keys/with space", "/keys/a \"quoted\" name", "C:\\Users\\alice\\key", "/keys/#not-a-comment"),
                m.identityFiles());
    }

    @Test
    void emptyOutputHasNoMachines() {
        assertTrue(SshConfig.parse("").isEmpty());
        assertTrue(SshConfig.parse("\n# nothing\n").isEmpty());
    }

    @Test
    void theResultIsReadOnly() {
        Map<String, Machine> machines = SshConfig.parse("Host a\n HostName h\n Port 22\n User u\n");
        assertThrows(UnsupportedOperationException.class, () -> machines.remove("a"));
    }

    private static String error(String text) {
        VxlabException e = assertThrows(VxlabException.class, () -> SshConfig.parse(text));
        assertTrue(e.hint() != null && !e.hint().isEmpty());
        return e.getMessage();
    }

    @Test
    void aBlockWithoutAddressPortAndUserNamesTheMachineAndEveryMissingKey() {
        assertEquals("vagrant ssh-config: machine kube2 (line 5) has no HostName, Port, User",
                error("Host kube1\n HostName h\n Port 22\n User u\nHost kube2\n IdentityFile /k\n"));
    }

    @Test
    void aMissingPortAlone() {
        assertEquals("vagrant ssh-config: machine kube1 (line 1) has no Port", error("Host kube1\n HostName h\n User u\n"));
    }

    @Test
    void anEmptyQuotedValueCountsAsMissing() {
        assertEquals("vagrant ssh-config: machine kube1 (line 1) has no HostName", error("Host kube1\n HostName \"\"\n Port 22\n User u\n"));
    }

    @Test
    void badPorts() {
        for (String port : List.of("ssh", "0", "65536", "-22", "22.5", "999999")) {
            assertEquals("vagrant ssh-config: machine kube1 has a bad Port \"" + port + "\" (line 3); expected 1-65535",
                    error("Host kube1\n HostName h\n Port " + port + "\n User u\n"), port);
        }
    }

    @Test
    void aKeywordBeforeTheFirstHost() {
        assertEquals("vagrant ssh-config: expected `Host <machine>` before `HostName` (line 2)", error("\nHostName h\nHost a\n"));
    }

    @Test
    void hostPatternsAndSeveralNamesAreRefused() {
        assertEquals("vagrant ssh-config: expected one machine name after `Host`, got \"kube*\" (line 1)", error("Host kube*\n"));
        assertEquals("vagrant ssh-config: expected one machine name after `Host`, got \"a b\" (line 1)", error("Host a b\n"));
        assertEquals("vagrant ssh-config: expected one machine name after `Host`, got none (line 1)", error("Host\n"));
    }

    @Test
    void matchBlocksAreRefused() {
        assertEquals("vagrant ssh-config: `Match` blocks are not supported (line 1)", error("Match host a\n"));
    }

    @Test
    void aMachineTwice() {
        String block = "Host a\n HostName h\n Port 22\n User u\n";
        assertEquals("vagrant ssh-config: machine a appears twice (line 5)", error(block + block));
    }

    @Test
    void anUnterminatedQuote() {
        assertEquals("vagrant ssh-config: unterminated quote (line 2)", error("Host a\n IdentityFile \"/k\n"));
    }

    @Test
    void anUnquotedSpaceInAKeptValue() {
        assertEquals("vagrant ssh-config: machine a: `IdentityFile` takes one value, got 2 (line 2)",
                error("Host a\n IdentityFile /My Labs/key\n"));
    }
}
