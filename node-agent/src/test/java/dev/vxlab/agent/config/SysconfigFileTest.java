package dev.vxlab.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysconfigFileTest {
    private static final Path PATH = Path.of("/etc/sysconfig/flanneld");

    private static String fixture(String name) throws IOException {
        try (var in = SysconfigFileTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, "missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheSampleFile() throws IOException {
        SysconfigFile file = SysconfigFile.parse(PATH, fixture("config/flanneld.sysconfig"));

        assertEquals(Map.of(
                "FLANNEL_ETCD_ENDPOINTS", "http://192.168.56.1:2379,http://192.168.56.2:2379",
                "FLANNEL_ETCD_PREFIX", "/atomic.io/network",
                "FLANNEL_OPTIONS", "-iface=eth1 -iface=192.168.56.11 -ip-masq -subnet-lease-renew-margin=30 "
                        + "--iface-regex=\"^enp0s(8|9)$\""), file.values());
        assertEquals(List.of("FLANNEL_ETCD_ENDPOINTS", "FLANNEL_ETCD_PREFIX", "FLANNEL_OPTIONS"),
                List.copyOf(file.values().keySet()), "keys keep the file's order");
        assertEquals(PATH, file.path());
    }

    @Test
    void skipsCommentsAndBlankLines() {
        SysconfigFile file = SysconfigFile.parse(PATH, "# a comment\n\n   # indented comment\nA=1\n  \n");
        assertEquals(Map.of("A", "1"), file.values());
        assertEquals(Map.of("A", 4), file.lines());
    }

    @Test
    void acceptsExportAndSpacesAroundTheEqualsSign() {
        SysconfigFile file = SysconfigFile.parse(PATH, "export FLANNELD_IFACE=eth1\n  B = two\n");
        assertEquals("eth1", file.values().get("FLANNELD_IFACE"));
        assertEquals("two", file.values().get("B"));
    }

    @Test
    void removesQuotesAsAShellWould() {
        SysconfigFile file = SysconfigFile.parse(PATH, String.join("\n",
                "DQ=\"http://10.0.0.1:2379\"",
                "SQ='/coreos.com/network'",
                "SPACES=\"a  b\"",
                "NESTED='-iface=eth1 --iface-regex=\"^eth\"'",
                "EMPTY=",
                "EMPTY_QUOTES=\"\""));
        assertEquals("http://10.0.0.1:2379", file.values().get("DQ"));
        assertEquals("/coreos.com/network", file.values().get("SQ"));
        assertEquals("a  b", file.values().get("SPACES"));
        assertEquals("-iface=eth1 --iface-regex=\"^eth\"", file.values().get("NESTED"));
        assertEquals("", file.values().get("EMPTY"));
        assertEquals("", file.values().get("EMPTY_QUOTES"));
    }

    @Test
    void acceptsWindowsLineEndings() {
        SysconfigFile file = SysconfigFile.parse(PATH, "A=1\r\nB=2\r\n");
        assertEquals(Map.of("A", "1", "B", "2"), file.values());
    }

    @Test
    void laterLinesOverrideEarlierOnes() {
        SysconfigFile file = SysconfigFile.parse(PATH, "A=1\nA=2\n");
        assertEquals("2", file.values().get("A"));
        assertEquals("/etc/sysconfig/flanneld:2", file.where("A"));
    }

    @Test
    void whereNamesThePathAndLine() {
        SysconfigFile file = SysconfigFile.parse(PATH, "# header\nFLANNEL_OPTIONS=x\n");
        assertEquals("/etc/sysconfig/flanneld:2", file.where("FLANNEL_OPTIONS"));
        assertEquals("/etc/sysconfig/flanneld", file.where("MISSING"));
    }

    @Test
    void aLineWithoutEqualsSignIsAnErrorWithPathAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SysconfigFile.parse(PATH, "A=1\n# ok\nthis is not an assignment\n"));
        assertEquals("/etc/sysconfig/flanneld:3: expected KEY=value, got: this is not an assignment", e.getMessage());
    }

    @Test
    void aBadKeyIsAnErrorWithPathAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> SysconfigFile.parse(PATH, "1ABC=x"));
        assertTrue(e.getMessage().startsWith("/etc/sysconfig/flanneld:1: expected KEY=value"), e.getMessage());
        ConfigException dash = assertThrows(ConfigException.class, () -> SysconfigFile.parse(PATH, "\n\nMY-KEY=x"));
        assertTrue(dash.getMessage().startsWith("/etc/sysconfig/flanneld:3:"), dash.getMessage());
        ConfigException noKey = assertThrows(ConfigException.class, () -> SysconfigFile.parse(PATH, "=x"));
        assertTrue(noKey.getMessage().startsWith("/etc/sysconfig/flanneld:1:"), noKey.getMessage());
    }

    @Test
    void anUnterminatedQuoteIsAnErrorWithPathAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SysconfigFile.parse(PATH, "A=1\nFLANNEL_OPTIONS=\"-iface=eth1\n"));
        assertTrue(e.getMessage().startsWith("/etc/sysconfig/flanneld:2: unterminated \" quote"), e.getMessage());
    }

    @Test
    void readLoadsARealFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("flanneld");
        Files.writeString(file, "FLANNEL_ETCD_PREFIX=\"/x/network\"\n");
        SysconfigFile read = SysconfigFile.read(file);
        assertEquals(Map.of("FLANNEL_ETCD_PREFIX", "/x/network"), read.values());
        assertEquals(file, read.path());
    }

    @Test
    void readOfAMissingFileIsAConfigException(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        ConfigException e = assertThrows(ConfigException.class, () -> SysconfigFile.read(missing));
        assertTrue(e.getMessage().startsWith("cannot read " + missing), e.getMessage());
        assertEquals("check the path given to --env-file", e.hint());
    }
}
