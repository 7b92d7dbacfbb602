package dev.vxlab.agent.subnetenv;

import dev.vxlab.agent.config.SysconfigFile;
import dev.vxlab.core.net.Ip4Net;
import java.nio.file.Path;
import java.util.Optional;

/**
 * flannel's /run/flannel/subnet.env and the Docker options that mk-docker-opts.sh derives from it.
 * FLANNEL_SUBNET is the subnet's first host address with the subnet's length (10.244.34.1/24), which is what
 * Docker's --bip wants.
 */
public record SubnetEnv(Ip4Net network, Ip4Net subnet, int mtu, boolean ipMasq) {

    public String firstHost() {
        return subnet.network().plus(1) + "/" + subnet.prefixLen();
    }

    public String render() {
        return "FLANNEL_NETWORK=" + network + "\n"
                + "FLANNEL_SUBNET=" + firstHost() + "\n"
                + "FLANNEL_MTU=" + mtu + "\n"
                + "FLANNEL_IPMASQ=" + ipMasq + "\n";
    }

    /** As {@code mk-docker-opts.sh -c}: Docker masquerades only when flannel does not. */
    public String renderDockerOpts() {
        String bip = "--bip=" + firstHost();
        String masq = "--ip-masq=" + !ipMasq;
        String mtuOpt = "--mtu=" + mtu;
        return "DOCKER_OPT_BIP=\"" + bip + "\"\n"
                + "DOCKER_OPT_IPMASQ=\"" + masq + "\"\n"
                + "DOCKER_OPT_MTU=\"" + mtuOpt + "\"\n"
                + "DOCKER_OPTS=\" " + bip + " " + masq + " " + mtuOpt + "\"\n";
    }

    /** The subnet recorded in an old subnet.env (FLANNEL_SUBNET=10.244.34.1/24 gives 10.244.34.0/24), if readable. */
    public static Optional<Ip4Net> previousSubnet(Path file, String text) {
        try {
            String value = SysconfigFile.parse(file, text).values().get("FLANNEL_SUBNET");
            return value == null ? Optional.empty() : Optional.of(Ip4Net.parseLoose(value).canonical());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
