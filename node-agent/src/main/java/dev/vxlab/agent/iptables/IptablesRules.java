package dev.vxlab.agent.iptables;

import dev.vxlab.core.net.Ip4Net;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules flanneld installs, computed from the network and the node's own subnet (pure; no iptables).
 * {@code --ip-masq}: a nat chain of our own, {@value #MASQ_CHAIN}, reached from POSTROUTING; the FORWARD
 * ACCEPTs for the overlay network: a filter chain {@value #FORWARD_CHAIN}, reached from FORWARD. flannel's
 * names are FLANNEL-POSTRTG / FLANNEL-FWD with comments "flanneld masq" / "flanneld forward"; ours differ so
 * both can be told apart on one host.
 *
 * <p>flannel's first nat rule (RETURN for packets marked by kube-proxy) is left out: there is no kube-proxy
 * here.
 */
public final class IptablesRules {
    /** Every chain the agent owns starts with this; {@link IptablesManager} refuses to manage any other. */
    public static final String CHAIN_PREFIX = "VXLAB-";
    public static final String MASQ_CHAIN = "VXLAB-POSTRTG";
    public static final String FORWARD_CHAIN = "VXLAB-FWD";
    public static final String MASQ_COMMENT = "vxlab masq";
    public static final String FORWARD_COMMENT = "vxlab forward";
    static final String MULTICAST = "224.0.0.0/4";

    private IptablesRules() {
    }

    /** {@link #masquerade(Ip4Net, Ip4Net, boolean)} with {@code --random-fully} (iptables 1.6.2 and later). */
    public static List<IptablesRule> masquerade(Ip4Net network, Ip4Net ownSubnet) {
        return masquerade(network, ownSubnet, true);
    }

    /**
     * flanneld's {@code --ip-masq} rules, in its order: no NAT inside the network; NAT from the network to the
     * outside (not multicast); no NAT from outside to the own subnet; NAT from outside to the rest of the
     * network. Pass {@code randomFully=false} for iptables older than 1.6.2
     * ({@link IptablesCommand#supportsRandomFully()}).
     */
    public static List<IptablesRule> masquerade(Ip4Net network, Ip4Net ownSubnet, boolean randomFully) {
        String net = cidr(network);
        String own = cidr(ownSubnet);
        return List.of(
                nat("-s", net, "-d", net, "-m", "comment", "--comment", MASQ_COMMENT, "-j", "RETURN"),
                masq(randomFully, "-s", net, "!", "-d", MULTICAST),
                nat("!", "-s", net, "-d", own, "-m", "comment", "--comment", MASQ_COMMENT, "-j", "RETURN"),
                masq(randomFully, "!", "-s", net, "-d", net));
    }

    /** nat POSTROUTING → {@value #MASQ_CHAIN}. */
    public static IptablesRule masqueradeJump() {
        return IptablesRule.of("nat", "POSTROUTING", "-m", "comment", "--comment", MASQ_COMMENT, "-j", MASQ_CHAIN);
    }

    /** flanneld's FORWARD rules: ACCEPT what comes from or goes to the network. */
    public static List<IptablesRule> forward(Ip4Net network) {
        String net = cidr(network);
        return List.of(
                IptablesRule.of("filter", FORWARD_CHAIN, "-s", net, "-m", "comment", "--comment", FORWARD_COMMENT, "-j", "ACCEPT"),
                IptablesRule.of("filter", FORWARD_CHAIN, "-d", net, "-m", "comment", "--comment", FORWARD_COMMENT, "-j", "ACCEPT"));
    }

    /** filter FORWARD → {@value #FORWARD_CHAIN}. */
    public static IptablesRule forwardJump() {
        return IptablesRule.of("filter", "FORWARD", "-m", "comment", "--comment", FORWARD_COMMENT, "-j", FORWARD_CHAIN);
    }

    private static IptablesRule nat(String... spec) {
        return IptablesRule.of("nat", MASQ_CHAIN, spec);
    }

    private static IptablesRule masq(boolean randomFully, String... match) {
        List<String> spec = new ArrayList<>(List.of(match));
        spec.addAll(List.of("-m", "comment", "--comment", MASQ_COMMENT, "-j", "MASQUERADE"));
        if (randomFully) {
            spec.add("--random-fully");
        }
        return new IptablesRule("nat", MASQ_CHAIN, spec);
    }

    /**
     * The network as iptables-save prints it: host bits cleared (10.244.34.1/24 is saved as 10.244.34.0/24, and
     * a rule written otherwise would never compare equal). A /0 is refused: iptables drops "-s 0.0.0.0/0".
     */
    private static String cidr(Ip4Net net) {
        if (net.prefixLen() == 0) {
            throw new IllegalArgumentException("network " + net + " covers every address; iptables rules need a real network");
        }
        return net.canonical().toString();
    }
}
