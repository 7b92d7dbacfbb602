package dev.vxlab.agent.config;

import dev.vxlab.core.text.GoDuration;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxlab.core.net.Ip4;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private static final Path SYSCONFIG = Path.of("/etc/sysconfig/flanneld");

    /** The process environment as the loader sees it. */
    private final Map<String, String> env = new HashMap<>();
    /** The files that exist, by path; every other path reads as absent. */
    private final Map<Path, String> files = new HashMap<>();
    /** Every path the loader asked for, in order. */
    private final List<Path> reads = new ArrayList<>();
    private String hostname = "node-a";

    private AgentConfig load(String... args) {
        return loader().load(List.of(args));
    }

    private ConfigLoader loader() {
        return new ConfigLoader(env, path -> {
            reads.add(path);
            return Optional.ofNullable(files.get(path));
        }, () -> hostname);
    }

    private ConfigException loadFails(String... args) {
        return assertThrows(ConfigException.class, () -> load(args));
    }

    private static String fixture(String name) {
        try (InputStream in = ConfigLoaderTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, "missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> patterns(AgentConfig c) {
        return c.ifaceRegexes().stream().map(Pattern::pattern).toList();
    }

    @Nested
    class Defaults {
        @Test
        void withNothingGivenEveryDefaultApplies() {
            AgentConfig c = load();
            assertAll(
                    () -> assertEquals(List.of(URI.create("http://127.0.0.1:2379")), c.etcdEndpoints()),
                    () -> assertEquals("/coreos.com/network", c.etcdPrefix()),
                    () -> assertFalse(c.etcdTls().enabled()),
                    () -> assertNull(c.etcdTls().caFile()),
                    () -> assertNull(c.etcdUsername()),
                    () -> assertNull(c.etcdPassword()),
                    () -> assertEquals(List.of(), c.ifaces()),
                    () -> assertEquals(List.of(), c.ifaceRegexes()),
                    () -> assertNull(c.ifaceCanReach()),
                    () -> assertNull(c.publicIp()),
                    () -> assertEquals(Path.of("/run/flannel/subnet.env"), c.subnetFile()),
                    () -> assertEquals(Path.of("/run/flannel/docker_opts.env"), c.dockerOptsFile()),
                    () -> assertFalse(c.ipMasq()),
                    () -> assertEquals(Duration.ofHours(24), c.subnetLeaseTtl()),
                    () -> assertEquals(Duration.ofMinutes(60), c.subnetLeaseRenewMargin()),
                    () -> assertEquals("0.0.0.0", c.healthzIp()),
                    () -> assertEquals(0, c.healthzPort()),
                    () -> assertEquals("node-a", c.nodeName()),
                    () -> assertEquals(0, c.verbosity()),
                    () -> assertNull(c.envFile()));
        }

        @Test
        void nodeNameComesFromTheInjectedHostname() {
            hostname = "kube-2.example.com";
            assertEquals("kube-2.example.com", load().nodeName());
        }

        @Test
        void dockerOptsFileSitsBesideACustomSubnetFile() {
            AgentConfig c = load("--subnet-file=/var/lib/vxlab/subnet.env");
            assertEquals(Path.of("/var/lib/vxlab/subnet.env"), c.subnetFile());
            assertEquals(Path.of("/var/lib/vxlab/docker_opts.env"), c.dockerOptsFile());
        }

        @Test
        void anExplicitDockerOptsFileWins() {
            assertEquals(Path.of("/run/docker_opts.env"), load("--docker-opts-file=/run/docker_opts.env").dockerOptsFile());
        }

        @ParameterizedTest(name = "TTL {0} gives a renew margin of {1}")
        @CsvSource({
            "24h, 1h0m0s",
            "3h,  1h0m0s",
            "2h,  40m0s",
            "30s, 10s",
        })
        void renewMarginIsAnHourOrAThirdOfAShortTtl(String ttl, String margin) {
            AgentConfig c = load("--subnet-lease-ttl=" + ttl);
            assertEquals(GoDuration.parse(ttl), c.subnetLeaseTtl());
            assertEquals(margin, GoDuration.format(c.subnetLeaseRenewMargin()));
        }
    }

    @Nested
    class Flags {
        @Test
        void everyFlagIsRead() {
            hostname = "unused";
            AgentConfig c = load(
                    "--etcd-endpoints=http://10.0.0.1:2379,http://10.0.0.2:2379",
                    "--etcd-prefix=/vxlab/network",
                    "--etcd-username=flannel", "--etcd-password=s3cret",
                    "--iface=eth1", "--iface", "10.0.2.15",
                    "--iface-regex=^192\\.168\\.", "--iface-regex", "^enp0s",
                    "--iface-can-reach=192.168.56.1",
                    "--public-ip=192.168.56.11",
                    "--subnet-file=/tmp/subnet.env",
                    "--ip-masq",
                    "--subnet-lease-ttl=1h",
                    "--subnet-lease-renew-margin=10m",
                    "--healthz-ip=127.0.0.1", "--healthz-port=8471",
                    "--node-name=kube1",
                    "-v", "2");
            assertAll(
                    () -> assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379")),
                            c.etcdEndpoints()),
                    () -> assertEquals("/vxlab/network", c.etcdPrefix()),
                    () -> assertEquals("flannel", c.etcdUsername()),
                    () -> assertEquals("s3cret", c.etcdPassword()),
                    () -> assertEquals(List.of("eth1", "10.0.2.15"), c.ifaces()),
                    () -> assertEquals(List.of("^192\\.168\\.", "^enp0s"), patterns(c)),
                    () -> assertEquals(Ip4.parse("192.168.56.1"), c.ifaceCanReach()),
                    () -> assertEquals(Ip4.parse("192.168.56.11"), c.publicIp()),
                    () -> assertEquals(Path.of("/tmp/subnet.env"), c.subnetFile()),
                    () -> assertTrue(c.ipMasq()),
                    () -> assertEquals(Duration.ofHours(1), c.subnetLeaseTtl()),
                    () -> assertEquals(Duration.ofMinutes(10), c.subnetLeaseRenewMargin()),
                    () -> assertEquals("127.0.0.1", c.healthzIp()),
                    () -> assertEquals(8471, c.healthzPort()),
                    () -> assertEquals("kube1", c.nodeName()),
                    () -> assertEquals(2, c.verbosity()));
        }

        @Test
        void singleDashSpellingsWorkAsInFlanneld() {
            AgentConfig c = load("-iface=eth1", "-etcd-prefix=/x/network", "-ip-masq", "-v=1", "-public-ip", "10.1.1.1");
            assertEquals(List.of("eth1"), c.ifaces());
            assertEquals("/x/network", c.etcdPrefix());
            assertTrue(c.ipMasq());
            assertEquals(1, c.verbosity());
            assertEquals(Ip4.parse("10.1.1.1"), c.publicIp());
        }

        @Test
        void theLastOfARepeatedFlagWinsAsWithGoFlags() {
            assertEquals("/b", load("--etcd-prefix=/a", "-etcd-prefix=/b").etcdPrefix());
        }

        @Test
        void ipMasqTakesAnExplicitValue() {
            assertFalse(load("--ip-masq=false").ipMasq());
            assertTrue(load("--ip-masq=true").ipMasq());
        }

        @Test
        void anEndpointWithoutSchemeIsHttp() {
            assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379")),
                    load("--etcd-endpoints= 10.0.0.1:2379 , 10.0.0.2:2379,").etcdEndpoints());
        }

        @Test
        void httpsEndpointsWithTlsFiles() {
            AgentConfig c = load("--etcd-endpoints=https://etcd1:2379", "--etcd-cafile=/etc/etcd/ca.pem",
                    "--etcd-certfile=/etc/etcd/client.pem", "--etcd-keyfile=/etc/etcd/client-key.pem");
            assertTrue(c.etcdTls().enabled());
            assertEquals(new AgentConfig.EtcdTls(Path.of("/etc/etcd/ca.pem"), Path.of("/etc/etcd/client.pem"),
                    Path.of("/etc/etcd/client-key.pem")), c.etcdTls());
            assertEquals(List.of(URI.create("https://etcd1:2379")), c.etcdEndpoints());
        }

        @Test
        void httpsWithOnlyACaFileIsEnough() {
            AgentConfig c = load("--etcd-endpoints=https://etcd1:2379", "--etcd-cafile=/ca.pem");
            assertTrue(c.etcdTls().enabled());
            assertNull(c.etcdTls().certFile());
        }

        @Test
        void blankIfaceEntriesAreDropped() {
            assertEquals(List.of("eth1"), load("--iface= eth1 ", "--iface=").ifaces());
        }

        @Test
        void trailingSlashesOfThePrefixAreRemoved() {
            assertEquals("/coreos.com/network", load("--etcd-prefix=/coreos.com/network/").etcdPrefix());
            assertEquals("/coreos.com/network", load("--etcd-prefix=/coreos.com/network//").etcdPrefix());
        }

        @Test
        void nodeNameIsTrimmed() {
            assertEquals("kube1", load("--node-name= kube1 ").nodeName());
        }

        @Test
        void anUnknownFlagIsAConfigException() {
            ConfigException e = loadFails("--no-such-flag=1");
            assertTrue(e.getMessage().startsWith("invalid option in the command line: "), e.getMessage());
            assertTrue(e.getMessage().contains("--no-such-flag"), e.getMessage());
            assertEquals("run vxlabd --help for the list of flags", e.hint());
        }

        @Test
        void aStrayWordIsAConfigException() {
            ConfigException e = loadFails("eth1");
            assertTrue(e.getMessage().startsWith("invalid option in the command line"), e.getMessage());
        }
    }

    @Nested
    class Environment {
        @Test
        void flanneldVariablesAreRead() {
            env.put("FLANNELD_ETCD_ENDPOINTS", "http://10.0.0.9:2379");
            env.put("FLANNELD_ETCD_PREFIX", "/env/network");
            env.put("FLANNELD_ETCD_PASSWORD", "pw");
            env.put("FLANNELD_IFACE", "eth1,enp0s8, ,192.168.56.11");
            env.put("FLANNELD_IFACE_REGEX", "^10\\.");
            env.put("FLANNELD_IP_MASQ", "true");
            env.put("FLANNELD_SUBNET_LEASE_TTL", "2h");
            env.put("FLANNELD_SUBNET_LEASE_RENEW_MARGIN", "15");
            env.put("FLANNELD_HEALTHZ_PORT", "8471");
            env.put("FLANNELD_NODE_NAME", "from-env");
            env.put("FLANNELD_V", "1");
            AgentConfig c = load();
            assertAll(
                    () -> assertEquals(List.of(URI.create("http://10.0.0.9:2379")), c.etcdEndpoints()),
                    () -> assertEquals("/env/network", c.etcdPrefix()),
                    () -> assertEquals("pw", c.etcdPassword()),
                    () -> assertEquals(List.of("eth1", "enp0s8", "192.168.56.11"), c.ifaces()),
                    () -> assertEquals(List.of("^10\\."), patterns(c)),
                    () -> assertTrue(c.ipMasq()),
                    () -> assertEquals(Duration.ofHours(2), c.subnetLeaseTtl()),
                    () -> assertEquals(Duration.ofMinutes(15), c.subnetLeaseRenewMargin()),
                    () -> assertEquals(8471, c.healthzPort()),
                    () -> assertEquals("from-env", c.nodeName()),
                    () -> assertEquals(1, c.verbosity()));
        }

        @Test
        void emptyAndUnrelatedVariablesAreIgnored() {
            env.put("FLANNELD_ETCD_PREFIX", "");
            env.put("FLANNELD_NO_SUCH_FLAG", "x");
            env.put("FLANNEL_ETCD_PREFIX", "/only/read/from/the/file");
            env.put("PATH", "/usr/bin");
            assertEquals("/coreos.com/network", load().etcdPrefix());
        }

        @Test
        void aBadValueIsNamedAsComingFromTheEnvironment() {
            env.put("FLANNELD_PUBLIC_IP", "10.0.0.256");
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("--public-ip (from the environment): "), e.getMessage());
            assertTrue(e.getMessage().contains("10.0.0.256"), e.getMessage());
        }

        @Test
        void aValueThatIsNotANumberIsAConfigExceptionNamingTheEnvironment() {
            env.put("FLANNELD_HEALTHZ_PORT", "eighty");
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("invalid option in the environment (FLANNELD_*): "), e.getMessage());
        }
    }

    @Nested
    class SysconfigFileLayer {
        @Test
        void theDefaultFileIsReadWhenTheReaderReturnsIt() {
            files.put(SYSCONFIG, fixture("config/flanneld.sysconfig"));
            AgentConfig c = load();
            assertAll(
                    () -> assertEquals(SYSCONFIG, c.envFile()),
                    () -> assertEquals(List.of(URI.create("http://192.168.56.1:2379"), URI.create("http://192.168.56.2:2379")),
                            c.etcdEndpoints()),
                    () -> assertEquals("/atomic.io/network", c.etcdPrefix()),
                    () -> assertEquals(List.of("eth1", "192.168.56.11"), c.ifaces()),
                    () -> assertEquals(List.of("^enp0s(8|9)$"), patterns(c)),
                    () -> assertTrue(c.ipMasq()),
                    () -> assertEquals(Duration.ofMinutes(30), c.subnetLeaseRenewMargin(),
                            "flanneld's renew margin is in minutes"));
        }

        @Test
        void withoutTheDefaultFileNothingIsReadFromIt() {
            AgentConfig c = load();
            assertNull(c.envFile());
            assertEquals(List.of(SYSCONFIG), reads, "only the default file was looked for");
        }

        @Test
        void theOldVariableNamesAreAliases() {
            files.put(SYSCONFIG, fixture("config/flanneld-old-names.sysconfig"));
            AgentConfig c = load();
            assertEquals(List.of(URI.create("http://10.0.0.5:2379")), c.etcdEndpoints());
            assertEquals("/coreos.com/network", c.etcdPrefix(), "FLANNEL_ETCD_KEY, trailing slash removed");
        }

        @Test
        void theNewNamesWinOverTheOldOnes() {
            files.put(SYSCONFIG, "FLANNEL_ETCD=http://10.0.0.5:2379\nFLANNEL_ETCD_ENDPOINTS=http://10.0.0.6:2379\n"
                    + "FLANNEL_ETCD_KEY=/old\nFLANNEL_ETCD_PREFIX=/new\n");
            AgentConfig c = load();
            assertEquals(List.of(URI.create("http://10.0.0.6:2379")), c.etcdEndpoints());
            assertEquals("/new", c.etcdPrefix());
        }

        @Test
        void flanneldVariablesInTheFileCountAtTheFilesPrecedence() {
            files.put(SYSCONFIG, "export FLANNELD_HEALTHZ_PORT=8471\nFLANNELD_IFACE=eth1,eth2\nFLANNELD_NODE_NAME=file-node\n");
            env.put("FLANNELD_NODE_NAME", "env-node");
            AgentConfig c = load();
            assertEquals(8471, c.healthzPort());
            assertEquals(List.of("eth1", "eth2"), c.ifaces());
            assertEquals("env-node", c.nodeName());
        }

        @Test
        void anExplicitEnvFileIsReadInsteadOfTheDefault() {
            Path custom = Path.of("/etc/vxlab/flanneld.env");
            files.put(custom, "FLANNEL_ETCD_PREFIX=/custom\n");
            files.put(SYSCONFIG, "FLANNEL_ETCD_PREFIX=/default\n");
            AgentConfig c = load("--env-file=" + custom);
            assertEquals("/custom", c.etcdPrefix());
            assertEquals(custom, c.envFile());
            assertEquals(List.of(custom), reads, "the default file is not consulted");
        }

        @Test
        void theEnvFileCanBeNamedInTheEnvironment() {
            Path custom = Path.of("/etc/vxlab/flanneld.env");
            files.put(custom, "FLANNEL_ETCD_PREFIX=/custom\n");
            env.put("FLANNELD_ENV_FILE", custom.toString());
            assertEquals("/custom", load().etcdPrefix());
        }

        @Test
        void anEnvFileThatDoesNotExistIsAConfigException() {
            files.put(SYSCONFIG, "FLANNEL_ETCD_PREFIX=/default\n");
            ConfigException e = loadFails("--env-file=/etc/missing.env");
            assertEquals("env file /etc/missing.env does not exist", e.getMessage());
            assertEquals("check --env-file or FLANNELD_ENV_FILE", e.hint());
        }

        @Test
        void aSyntaxErrorInTheFileNamesPathAndLine() {
            files.put(SYSCONFIG, "# ok\nFLANNEL_ETCD_PREFIX=/x\nnonsense\n");
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("/etc/sysconfig/flanneld:3: expected KEY=value"), e.getMessage());
        }

        @Test
        void anUnterminatedQuoteInsideFlannelOptionsNamesPathAndLine() {
            files.put(SYSCONFIG, "A=1\nFLANNEL_OPTIONS='-iface=\"eth1'\n");
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("/etc/sysconfig/flanneld:2: unterminated \" quote"), e.getMessage());
        }

        @Test
        void anUnknownFlagInFlannelOptionsNamesTheFile() {
            files.put(SYSCONFIG, "FLANNEL_OPTIONS=\"-no-such-flag=1\"\n");
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("invalid option in /etc/sysconfig/flanneld: "), e.getMessage());
        }

        @Test
        void flannelOptionsOverrideTheEtcdVariablesAsFlanneldStartDoes() {
            // flanneld-start runs: flanneld -etcd-endpoints=$FLANNEL_ETCD_ENDPOINTS -etcd-prefix=$FLANNEL_ETCD_PREFIX $FLANNEL_OPTIONS,
            // and Go's flag package keeps the last value of a repeated flag.
            files.put(SYSCONFIG, "FLANNEL_ETCD_PREFIX=/atomic.io/network\nFLANNEL_OPTIONS=\"-etcd-prefix=/other/network\"\n");
            assertEquals("/other/network", load().etcdPrefix());
        }

        @Test
        void quotedWordsInFlannelOptionsKeepTheirSpaces() {
            files.put(SYSCONFIG, "FLANNEL_OPTIONS='--iface-regex=\"^eth[0-9] ?$\" -healthz-port 8471'\n");
            AgentConfig c = load();
            assertEquals(List.of("^eth[0-9] ?$"), patterns(c));
            assertEquals(8471, c.healthzPort());
        }

        @Test
        void aBadValueIsNamedAsComingFromTheFile() {
            files.put(SYSCONFIG, "FLANNEL_ETCD_ENDPOINTS=ftp://10.0.0.1:2379\n");
            ConfigException e = loadFails();
            assertEquals("--etcd-endpoints (from /etc/sysconfig/flanneld): \"ftp://10.0.0.1:2379\" must use http:// or https://",
                    e.getMessage());
        }

        @Test
        void aBadValueInAnExplicitFileNamesThatFile() {
            Path custom = Path.of("/srv/flannel.env");
            files.put(custom, "FLANNEL_OPTIONS=\"-subnet-lease-ttl=forever\"\n");
            ConfigException e = loadFails("--env-file", custom.toString());
            assertTrue(e.getMessage().startsWith("--subnet-lease-ttl (from /srv/flannel.env): "), e.getMessage());
        }
    }

    @Nested
    class Precedence {
        @Test
        void flagBeatsEnvironmentBeatsFile() {
            files.put(SYSCONFIG, "FLANNEL_ETCD_PREFIX=/file\nFLANNEL_ETCD_ENDPOINTS=http://10.0.0.3:2379\n"
                    + "FLANNEL_OPTIONS=\"-healthz-port=1\"\n");
            env.put("FLANNELD_ETCD_PREFIX", "/env");
            env.put("FLANNELD_HEALTHZ_PORT", "2");
            AgentConfig c = load("--healthz-port=3");
            assertEquals(3, c.healthzPort(), "flag over environment over file");
            assertEquals("/env", c.etcdPrefix(), "environment over file");
            assertEquals(List.of(URI.create("http://10.0.0.3:2379")), c.etcdEndpoints(), "file over default");
        }

        @Test
        void aRepeatedIfaceFlagReplacesTheFilesList() {
            files.put(SYSCONFIG, fixture("config/flanneld.sysconfig"));
            assertEquals(List.of("eth2", "eth3"), load("--iface=eth2", "--iface=eth3").ifaces());
        }

        @Test
        void anIfaceVariableReplacesTheFilesList() {
            files.put(SYSCONFIG, fixture("config/flanneld.sysconfig"));
            env.put("FLANNELD_IFACE", "enp0s8");
            assertEquals(List.of("enp0s8"), load().ifaces());
        }

        @Test
        void anErrorNamesTheLayerTheValueCameFrom() {
            files.put(SYSCONFIG, "FLANNEL_OPTIONS=\"-public-ip=1.2.3.999\"\n");
            assertTrue(loadFails().getMessage().startsWith("--public-ip (from /etc/sysconfig/flanneld): "));
            env.put("FLANNELD_PUBLIC_IP", "1.2.3.998");
            assertTrue(loadFails().getMessage().startsWith("--public-ip (from the environment): "));
            ConfigException flag = loadFails("--public-ip=1.2.3.997");
            assertTrue(flag.getMessage().startsWith("--public-ip: "), flag.getMessage());
            assertTrue(flag.getMessage().contains("1.2.3.997"), flag.getMessage());
        }

        @Test
        void aLoaderCanBeReusedWithoutCarryingOriginsOver() {
            ConfigLoader loader = loader();
            env.put("FLANNELD_PUBLIC_IP", "10.0.0.1");
            loader.load(List.of());
            env.clear();
            ConfigException e = assertThrows(ConfigException.class, () -> loader.load(List.of("--public-ip=bad")));
            assertTrue(e.getMessage().startsWith("--public-ip: "), e.getMessage());
        }
    }

    @Nested
    class Validation {
        @ParameterizedTest
        @ValueSource(strings = {"ftp://10.0.0.1:2379", "unix://etcd:2379"})
        void endpointsMustBeHttpOrHttps(String endpoint) {
            ConfigException e = loadFails("--etcd-endpoints=" + endpoint);
            assertEquals("--etcd-endpoints: \"" + endpoint + "\" must use http:// or https://", e.getMessage());
            assertEquals("run vxlabd --help for the flags and their formats", e.hint());
        }

        @Test
        void endpointsNeedAHostAndAPort() {
            ConfigException e = loadFails("--etcd-endpoints=http://etcd1");
            assertTrue(e.getMessage().contains("\"http://etcd1\" needs a host and a port"), e.getMessage());
        }

        @Test
        void anEndpointThatIsNotAUrl() {
            ConfigException e = loadFails("--etcd-endpoints=http://etc d:2379");
            assertEquals("--etcd-endpoints: \"http://etc d:2379\" is not a URL", e.getMessage());
        }

        @Test
        void anEmptyEndpointListIsAnError() {
            ConfigException e = loadFails("--etcd-endpoints= , ");
            assertEquals("--etcd-endpoints: no endpoint given", e.getMessage());
        }

        @Test
        void tlsFilesWithAnHttpEndpoint() {
            ConfigException e = loadFails("--etcd-cafile=/ca.pem");
            assertTrue(e.getMessage().contains("TLS files are given but an endpoint uses http://"), e.getMessage());
            ConfigException mixed = loadFails("--etcd-endpoints=https://a:2379,http://b:2379", "--etcd-cafile=/ca.pem");
            assertTrue(mixed.getMessage().contains("an endpoint uses http://"), mixed.getMessage());
        }

        @Test
        void httpsWithoutACaFile() {
            ConfigException e = loadFails("--etcd-endpoints=https://a:2379");
            assertEquals("--etcd-endpoints: https:// endpoints need --etcd-cafile to verify the server", e.getMessage());
        }

        @Test
        void certFileWithoutKeyFileAndTheReverse() {
            ConfigException noKey = loadFails("--etcd-endpoints=https://a:2379", "--etcd-cafile=/ca.pem",
                    "--etcd-certfile=/c.pem");
            assertEquals("--etcd-certfile and --etcd-keyfile must be given together", noKey.getMessage());
            ConfigException noCert = loadFails("--etcd-endpoints=https://a:2379", "--etcd-cafile=/ca.pem",
                    "--etcd-keyfile=/k.pem");
            assertEquals("--etcd-certfile and --etcd-keyfile must be given together", noCert.getMessage());
        }

        @Test
        void aBadRegex() {
            ConfigException e = loadFails("--iface-regex=eth[0-9");
            assertTrue(e.getMessage().startsWith("--iface-regex: \"eth[0-9\" is not a valid regular expression: "),
                    e.getMessage());
        }

        @ParameterizedTest
        @CsvSource({
            "--public-ip,       10.0.0.256",
            "--public-ip,       eth1",
            "--iface-can-reach, 10.0.0",
            "--iface-can-reach, ::1",
        })
        void badAddresses(String flag, String value) {
            ConfigException e = loadFails(flag + "=" + value);
            assertTrue(e.getMessage().startsWith(flag + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(value), e.getMessage());
        }

        @Test
        void aTtlThatIsTooShort() {
            ConfigException e = loadFails("--subnet-lease-ttl=4s");
            assertEquals("--subnet-lease-ttl: 4s is too short; etcd needs at least 5s", e.getMessage());
            assertEquals(Duration.ofSeconds(5), load("--subnet-lease-ttl=5s").subnetLeaseTtl());
        }

        @Test
        void aTtlThatIsNotADuration() {
            ConfigException e = loadFails("--subnet-lease-ttl=1day");
            assertTrue(e.getMessage().startsWith("--subnet-lease-ttl: not a duration: \"1day\""), e.getMessage());
        }

        @Test
        void aRenewMarginGivenAsPlainMinutes() {
            assertEquals(Duration.ofMinutes(30), load("--subnet-lease-renew-margin=30").subnetLeaseRenewMargin());
            assertEquals(Duration.ofSeconds(90), load("--subnet-lease-renew-margin=90s").subnetLeaseRenewMargin());
        }

        @Test
        void aRenewMarginAsLongAsTheTtl() {
            ConfigException e = loadFails("--subnet-lease-ttl=1h", "--subnet-lease-renew-margin=60");
            assertEquals("--subnet-lease-renew-margin: 1h0m0s must be more than 0 and less than the lease TTL (1h0m0s)",
                    e.getMessage());
            ConfigException longer = loadFails("--subnet-lease-renew-margin=25h");
            assertTrue(longer.getMessage().contains("less than the lease TTL (24h0m0s)"), longer.getMessage());
        }

        @Test
        void aRenewMarginOfZero() {
            ConfigException e = loadFails("--subnet-lease-renew-margin=0");
            assertTrue(e.getMessage().startsWith("--subnet-lease-renew-margin: 0s must be more than 0"), e.getMessage());
        }

        @Test
        void aRenewMarginThatIsNeitherMinutesNorADuration() {
            ConfigException e = loadFails("--subnet-lease-renew-margin=soon");
            assertTrue(e.getMessage().startsWith("--subnet-lease-renew-margin: not a duration"), e.getMessage());
        }

        @Test
        void aHugeRenewMarginInMinutesIsAConfigException() {
            ConfigException e = loadFails("--subnet-lease-renew-margin=999999999999999999");
            assertEquals("--subnet-lease-renew-margin: 999999999999999999 is too long", e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1", "65536", "70000"})
        void aHealthzPortOutOfRange(String port) {
            ConfigException e = loadFails("--healthz-port=" + port);
            assertEquals("--healthz-port: " + port + " is not a port (0..65535)", e.getMessage());
        }

        @Test
        void aHealthzPortThatIsNotANumber() {
            ConfigException e = loadFails("--healthz-port=http");
            assertTrue(e.getMessage().startsWith("invalid option in the command line: "), e.getMessage());
        }

        @Test
        void aBadHealthzIp() {
            ConfigException e = loadFails("--healthz-ip=localhost");
            assertEquals("--healthz-ip: \"localhost\" is not an IPv4 address", e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"kube 1", "-kube1", "kube/1", "küche"})
        void aBadNodeName(String name) {
            ConfigException e = loadFails("--node-name=" + name);
            assertEquals("--node-name: \"" + name + "\" may hold only letters, digits, '.', '_' and '-'", e.getMessage());
        }

        @Test
        void aBadHostnameIsReportedAgainstNodeName() {
            hostname = "bad host";
            ConfigException e = loadFails();
            assertTrue(e.getMessage().startsWith("--node-name: \"bad host\""), e.getMessage());
        }

        @Test
        void anEmptyHostnameWithoutNodeName() {
            hostname = "";
            assertEquals("--node-name: no node name given and the hostname is empty", loadFails().getMessage());
            hostname = null;
            assertEquals("--node-name: no node name given and the hostname is empty", loadFails().getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"coreos.com/network", "/", "//"})
        void aPrefixMustBeAnAbsoluteKey(String prefix) {
            ConfigException e = loadFails("--etcd-prefix=" + prefix);
            assertEquals("--etcd-prefix: \"" + prefix + "\" must be an absolute key such as /coreos.com/network",
                    e.getMessage());
        }

        @Test
        void severalErrorsAreReportedTogether() {
            ConfigException e = loadFails("--etcd-endpoints=ftp://x:1", "--healthz-port=99999", "--public-ip=nope");
            String m = e.getMessage();
            assertTrue(m.startsWith("invalid configuration:\n  "), m);
            assertTrue(m.contains("\n  --etcd-endpoints: \"ftp://x:1\" must use http:// or https://"), m);
            assertTrue(m.contains("\n  --healthz-port: 99999 is not a port (0..65535)"), m);
            assertTrue(m.contains("\n  --public-ip: "), m);
            assertEquals(4, m.split("\n").length, m);
        }
    }

    @Nested
    class Describe {
        @Test
        void thePasswordIsNeverShown() {
            String d = load("--etcd-username=flannel", "--etcd-password=hunter2-s3cret").describe();
            assertFalse(d.contains("hunter2-s3cret"), d);
            assertTrue(d.contains("etcdUsername=flannel etcdPassword=<redacted>"), d);
        }

        @Test
        void aPasswordFromTheEnvironmentIsNotShownEither() {
            env.put("FLANNELD_ETCD_PASSWORD", "env-pass-123");
            env.put("FLANNELD_ETCD_USERNAME", "root");
            assertFalse(load().describe().contains("env-pass-123"));
        }

        @Test
        void showsTheResolvedValues() {
            String d = load("--iface=eth1", "--subnet-lease-ttl=1h").describe();
            assertTrue(d.startsWith("etcdEndpoints=[http://127.0.0.1:2379] etcdPrefix=/coreos.com/network tls=false"), d);
            assertTrue(d.contains(" iface=[eth1] "), d);
            assertTrue(d.contains(" subnetLeaseTtl=1h0m0s renewMargin=20m0s "), d);
            assertTrue(d.endsWith(" nodeName=node-a nodeIdFile=/var/lib/vxlab/node-id"), d);
            assertFalse(d.contains("etcdUsername"), d);
        }

        @Test
        void nodeIdFileFromTheFlagOrTheEnvironment() {
            assertEquals(Path.of("/srv/a/node-id"), load("--node-id-file=/srv/a/node-id").nodeIdFile());
            env.put("FLANNELD_NODE_ID_FILE", "/srv/b/node-id");
            assertEquals(Path.of("/srv/b/node-id"), load().nodeIdFile());
        }

        @Test
        void namesTheEnvFileWhenOneWasRead() {
            files.put(SYSCONFIG, "FLANNEL_ETCD_PREFIX=/x\n");
            assertTrue(load().describe().endsWith(" envFile=/etc/sysconfig/flanneld"));
        }
    }
}
