package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;
import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.core.lease.LeaseAttrs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A machine's node ID: 128 random bits in hex, made on the agent's first start and kept in a file on the
 * machine's disk, so that it is the same after every restart and reboot and differs between machines that
 * share a hostname or an address ({@link LeaseAttrs#sameNode}). Not /etc/machine-id: machines cloned from
 * one disk image share that one too, and network namespaces on one host share the host's. A machine cloned
 * after its agent ran carries this file along; the lease check catches that case
 * ({@link NodeIdentityConflictException}).
 */
public final class NodeIds {
    public static final String DEFAULT_FILE = "/var/lib/vxlab/node-id";
    private static final int BYTES = 16;

    private NodeIds() {
    }

    /** Whether {@code id} has the form this class writes (32 lowercase hex digits). */
    public static boolean isValid(String id) {
        return id.length() == 2 * BYTES && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    public static String generate(RandomGenerator random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The node ID kept in {@code file}; a new one written there first when the file does not exist. */
    public static String loadOrCreate(Path file, RandomGenerator random) {
        try {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!isValid(id)) {
                throw new AgentException("node ID file " + file + " holds \"" + abbreviate(id) + "\", not a node ID (32 hex digits)",
                        "delete " + file + " and start vxlabd again: it makes a new node ID (a lease of this node's that"
                                + " names the old one is then another node's until it expires, or until you delete it with etcdctl del)");
            }
            return id;
        } catch (NoSuchFileException absent) {
            String id = generate(random);
            try {
                AtomicFiles.write(file, id + "\n", "rw-r--r--");
            } catch (UncheckedIOException e) {
                throw cannot(file, e.getMessage());
            }
            return id;
        } catch (IOException e) {
            throw cannot(file, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static AgentException cannot(Path file, String why) {
        return new AgentException(why + " (vxlabd keeps this machine's node ID there)",
                "give vxlabd a file on a writable disk that survives reboots: --node-id-file=PATH or FLANNELD_NODE_ID_FILE;"
                        + " every machine needs its own (default " + DEFAULT_FILE + ")");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
