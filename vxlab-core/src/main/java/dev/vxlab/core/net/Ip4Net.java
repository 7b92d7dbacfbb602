package dev.vxlab.core.net;

/** An IPv4 network: an address and a prefix length; {@link #parse} requires the host bits to be zero. */
public record Ip4Net(Ip4 ip, int prefixLen) implements Comparable<Ip4Net> {

    public Ip4Net {
        if (prefixLen < 0 || prefixLen > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLen + " is not within 0..32");
        }
    }

    /** Parses "10.244.0.0/16"; host bits must be zero. */
    public static Ip4Net parse(String cidr) {
        Ip4Net net = parseLoose(cidr);
        if (!net.ip().equals(net.network())) {
            throw new IllegalArgumentException("\"" + cidr + "\" has host bits set; the network is " + net.canonical());
        }
        return net;
    }

    /** Parses "10.244.34.1/24" keeping the address as written (an interface address with its prefix). */
    public static Ip4Net parseLoose(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("CIDR is missing");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (expected a.b.c.d/len): \"" + cidr + "\"");
        }
        String len = cidr.substring(slash + 1).trim();
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(c -> c >= '0' && c <= '9')
                || (len.length() > 1 && len.charAt(0) == '0')) {
            throw new IllegalArgumentException("not a CIDR (expected a.b.c.d/len): \"" + cidr + "\"");
        }
        int prefix = Integer.parseInt(len);
        if (prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " in \"" + cidr + "\" is not within 0..32");
        }
        return new Ip4Net(Ip4.parse(cidr.substring(0, slash)), prefix);
    }

    public static int mask(int prefixLen) {
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }

    public int mask() {
        return mask(prefixLen);
    }

    public Ip4 network() {
        return new Ip4(ip.bits() & mask());
    }

    public Ip4Net canonical() {
        return new Ip4Net(network(), prefixLen);
    }

    public long size() {
        return 1L << (32 - prefixLen);
    }

    /** The last address of the network (its broadcast address). */
    public Ip4 last() {
        return new Ip4(network().bits() | ~mask());
    }

    public boolean contains(Ip4 addr) {
        return (addr.bits() & mask()) == network().bits();
    }

    public boolean contains(Ip4Net other) {
        return other.prefixLen >= prefixLen && contains(other.ip);
    }

    public boolean overlaps(Ip4Net other) {
        int common = Math.min(prefixLen, other.prefixLen);
        int m = mask(common);
        return (ip.bits() & m) == (other.ip.bits() & m);
    }

    /** The network of the same size that follows this one. */
    public Ip4Net next() {
        return new Ip4Net(network().plus(size()), prefixLen);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ip4Net other && other.prefixLen == prefixLen && other.ip.equals(ip);
    }

    @Override
    public int hashCode() {
        return ip.hashCode() * 31 + prefixLen;
    }

    @Override
    public int compareTo(Ip4Net other) {
        int c = ip.compareTo(other.ip);
        return c != 0 ? c : Integer.compare(prefixLen, other.prefixLen);
    }

    @Override
    public String toString() {
        return ip + "/" + prefixLen;
    }
}
