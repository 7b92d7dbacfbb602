package dev.vxlab.orchestrator.provider.netns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names a netns lab owns: every namespace is "vx-&lt;lab&gt;-..." (lab and node names are
 * [a-z][a-z0-9-]{0,15}, checked by the spec loader), and the one link in the root namespace is "vxh" + 8 hex
 * digits of the lab name's hash (interface names are limited to 15 characters).
 */
public record NetnsNames(String lab) {
    public String prefix() {
        return "vx-" + lab + "-";
    }

    public String switchNs() {
        return prefix() + "sw";
    }

    public String natNs() {
        return prefix() + "nat";
    }

    public String nodeNs(String node) {
        return prefix() + "n-" + node;
    }

    public String rootLink() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(lab.getBytes(StandardCharsets.UTF_8));
            return "vxh" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
