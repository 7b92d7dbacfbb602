package dev.vxlab.core.lease;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.core.net.Ip4Net;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** flannel's key layout: {@code <prefix>/config} and {@code <prefix>/subnets/10.244.34.0-24}. */
public final class SubnetKey {
    private static final Pattern LEAF = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})-(\\d{1,2})");

    private SubnetKey() {
    }

    public static String config(String prefix) {
        return prefix + "/config";
    }

    public static String subnetsDir(String prefix) {
        return prefix + "/subnets/";
    }

    public static String of(String prefix, Ip4Net subnet) {
        return subnetsDir(prefix) + subnet.ip() + "-" + subnet.prefixLen();
    }

    /** The subnet a key names, or empty when the key is not a lease key under {@code prefix}. */
    public static Optional<Ip4Net> parse(String prefix, String key) {
        String dir = subnetsDir(prefix);
        if (!key.startsWith(dir)) {
            return Optional.empty();
        }
        Matcher m = LEAF.matcher(key.substring(dir.length()));
        if (!m.matches() || !Ip4.isValid(m.group(1)) || Integer.parseInt(m.group(2)) > 32) {
            return Optional.empty();
        }
        Ip4Net net = new Ip4Net(Ip4.parse(m.group(1)), Integer.parseInt(m.group(2)));
        return net.ip().equals(net.network()) ? Optional.of(net) : Optional.empty();
    }
}
