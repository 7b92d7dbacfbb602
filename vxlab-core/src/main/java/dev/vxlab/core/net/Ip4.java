package dev.vxlab.core.net;

/** An IPv4 address held as an unsigned 32-bit value in an int. */
public record Ip4(int bits) implements Comparable<Ip4> {

    public static Ip4 parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
        }
        int bits = 0;
        for (String part : parts) {
            // ASCII digits only, and no leading zero (Go's net.ParseIP rejects "010.1.1.1" too)
            if (part.isEmpty() || part.length() > 3 || !digits(part)
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\" (octet " + octet + " > 255)");
            }
            bits = (bits << 8) | octet;
        }
        return new Ip4(bits);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    // equals and hashCode written out (also in Ip4Net, Route, Neighbor, FdbEntry): a record's generated ones go
    // through an invokedynamic bootstrap and method handles, slow while a lease event's path is interpreted
    @Override
    public boolean equals(Object o) {
        return o instanceof Ip4 other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Ip4 of(byte[] octets) {
        if (octets.length != 4) {
            throw new IllegalArgumentException("IPv4 address needs 4 octets, got " + octets.length);
        }
        return new Ip4(((octets[0] & 0xff) << 24) | ((octets[1] & 0xff) << 16) | ((octets[2] & 0xff) << 8) | (octets[3] & 0xff));
    }

    public long unsigned() {
        return Integer.toUnsignedLong(bits);
    }

    public Ip4 plus(long n) {
        return new Ip4((int) (unsigned() + n));
    }

    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    public boolean isLinkLocal() {
        return (bits >>> 16) == 0xa9fe;
    }

    @Override
    public int compareTo(Ip4 other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
