package dev.vxlab.agent.backend.vxlan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The VTEP MAC address a node advertises in its lease, derived from the node's name and node ID (the agent
 * passes both as one seed, so that machines sharing a hostname get MACs of their own): locally administered,
 * unicast, and the same after every restart. flanneld lets the kernel pick a random MAC when it creates
 * flannel.1, so a restarted node can come back with a new MAC while peers still hold the old one in their
 * FDB (flannel #1795); a stable MAC avoids that. The VXLAN device is created with this address.
 */
public final class VtepMac {
    private VtepMac() {
    }

    public static String forNode(String seed) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("vxlab-vtep:" + seed).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        h[0] = (byte) ((h[0] & 0xfe) | 0x02); // unicast, locally administered
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", h[i] & 0xff));
        }
        return sb.toString();
    }
}
