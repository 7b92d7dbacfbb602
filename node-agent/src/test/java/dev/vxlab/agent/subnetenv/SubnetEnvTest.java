package dev.vxlab.agent.subnetenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vxlab.agent.config.SysconfigFile;
import dev.vxlab.core.net.Ip4Net;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubnetEnvTest {
    private static final Path FILE = Path.of("/run/flannel/subnet.env");
    /** The node of FLANNEL.md's examples: 10.244.34.0/24 of 10.244.0.0/16, eth MTU 1500, flannel masquerading. */
    private static final SubnetEnv KUBE1 = new SubnetEnv(Ip4Net.parse("10.244.0.0/16"), Ip4Net.parse("10.244.34.0/24"), 1450, true);

    private static String fixture(String name) {
        try (InputStream in = SubnetEnvTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, "missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rendersSubnetEnvAsFlanneldWritesIt() {
        assertEquals(fixture("subnetenv/subnet.env"), KUBE1.render());
    }

    @Test
    void flannelSubnetIsTheFirstHostAddressWithTheSubnetLength() {
        assertEquals("10.244.34.1/24", KUBE1.firstHost());
        assertEquals("10.5.0.17/28", new SubnetEnv(Ip4Net.parse("10.5.0.0/16"), Ip4Net.parse("10.5.0.16/28"), 1450, false).firstHost());
        assertEquals("10.244.35.1/24",
                new SubnetEnv(Ip4Net.parse("10.244.0.0/16"), Ip4Net.parseLoose("10.244.35.9/24"), 1450, false).firstHost(),
                "counted from the network address");
    }

    @Test
    void rendersEveryValue() {
        SubnetEnv env = new SubnetEnv(Ip4Net.parse("172.30.0.0/16"), Ip4Net.parse("172.30.7.0/26"), 8950, false);
        assertEquals("FLANNEL_NETWORK=172.30.0.0/16\nFLANNEL_SUBNET=172.30.7.1/26\nFLANNEL_MTU=8950\nFLANNEL_IPMASQ=false\n",
                env.render());
    }

    @Test
    void rendersDockerOptsAsMkDockerOptsDoes() {
        assertEquals(fixture("subnetenv/docker_opts.env"), KUBE1.renderDockerOpts());
    }

    @Test
    void dockerMasqueradesOnlyWhenFlannelDoesNot() {
        SubnetEnv noMasq = new SubnetEnv(Ip4Net.parse("10.244.0.0/16"), Ip4Net.parse("10.244.34.0/24"), 1400, false);
        assertEquals("DOCKER_OPT_BIP=\"--bip=10.244.34.1/24\"\n"
                + "DOCKER_OPT_IPMASQ=\"--ip-masq=true\"\n"
                + "DOCKER_OPT_MTU=\"--mtu=1400\"\n"
                + "DOCKER_OPTS=\" --bip=10.244.34.1/24 --ip-masq=true --mtu=1400\"\n", noMasq.renderDockerOpts());
    }

    @Test
    void bothFilesReadBackAsShellAssignments() {
        assertEquals(Map.of("FLANNEL_NETWORK", "10.244.0.0/16", "FLANNEL_SUBNET", "10.244.34.1/24", "FLANNEL_MTU", "1450",
                "FLANNEL_IPMASQ", "true"), SysconfigFile.parse(FILE, KUBE1.render()).values());
        Map<String, String> docker = SysconfigFile.parse(Path.of("/run/flannel/docker_opts.env"), KUBE1.renderDockerOpts()).values();
        assertEquals(" --bip=10.244.34.1/24 --ip-masq=false --mtu=1450", docker.get("DOCKER_OPTS"), "the leading space of mk-docker-opts.sh");
        assertEquals("--ip-masq=false", docker.get("DOCKER_OPT_IPMASQ"));
    }

    @Test
    void previousSubnetReadsFlannelSubnet() {
        assertEquals(Optional.of(Ip4Net.parse("10.244.34.0/24")), SubnetEnv.previousSubnet(FILE, fixture("subnetenv/subnet.env")));
    }

    @Test
    void previousSubnetReadsWhatRenderWrites() {
        SubnetEnv env = new SubnetEnv(Ip4Net.parse("10.5.0.0/16"), Ip4Net.parse("10.5.0.16/28"), 1450, false);
        assertEquals(Optional.of(env.subnet()), SubnetEnv.previousSubnet(FILE, env.render()));
    }

    @Test
    void previousSubnetAcceptsQuotesAndComments() {
        assertEquals(Optional.of(Ip4Net.parse("10.1.2.0/24")),
                SubnetEnv.previousSubnet(FILE, "# written by hand\nexport FLANNEL_SUBNET=\"10.1.2.1/24\"\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "FLANNEL_NETWORK=10.244.0.0/16\n",
        "FLANNEL_SUBNET=\n",
        "FLANNEL_SUBNET=10.244.34.1\n",
        "FLANNEL_SUBNET=10.244.34.300/24\n",
        "FLANNEL_SUBNET=10.244.34.1/24\ngarbage line\n",
        "FLANNEL_SUBNET=\"10.244.34.1/24\n",
    })
    void previousSubnetIsEmptyWhenTheFileDoesNotNameOne(String text) {
        assertEquals(Optional.empty(), SubnetEnv.previousSubnet(FILE, text));
    }
}
