package dev.vxlab.orchestrator.spec;

import dev.vxlab.core.net.Ip4;
import dev.vxlab.orchestrator.spec.LabSpec.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code ssh:} at the top (defaults for every node) and in each node (its own values over them): how provider
 * ssh reaches machines it did not build. Both are only for provider ssh; with another provider vxlab would
 * ignore them, so they are an error rather than dead text. The known_hosts file is required: vxlab never
 * accepts a host key it does not already know.
 */
final class SshSection {
    static final List<String> KEYS = List.of("user", "port", "identityFile", "knownHosts");
    static final List<String> NODE_KEYS = List.of("host", "port", "user", "identityFile");

    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");

    private final Values values;
    private final Provider effective;
    private final Reader<String> user;
    private final Reader<Integer> port;
    private final Val<String> defaultUser;
    private final Val<Integer> defaultPort;
    private final Val<Path> defaultIdentity;
    private final Val<Path> knownHosts;

    private SshSection(Section top, Values values, Provider effective) {
        this.values = values;
        this.effective = effective;
        user = values.word("a user name such as root or vagrant",
                "a user name such as root or vagrant (lowercase letters, digits, '_' and '-')", USER);
        port = values.intIn("a TCP port, a whole number from 1 to 65535", 1, 65535, "%s is not a TCP port: use 1 to 65535 (SSH's is 22)");
        Section ssh = onlyForSsh(top, "ssh", KEYS);
        defaultUser = ssh.field("user", SpecDefaults.SSH_USER, user);
        defaultPort = ssh.field("port", SpecDefaults.SSH_PORT, port);
        defaultIdentity = ssh.field("identityFile", null, values::existingFile);
        knownHosts = ssh.field("knownHosts", null, values::existingFile);
        if (effective == Provider.SSH && knownHosts != null && !knownHosts.given()) {
            values.problems().at(ssh.anchor(), "ssh.knownHosts",
                    "required with provider: ssh: the known_hosts file that holds every node's host key"
                            + " (vxlab never accepts a host key it does not know); e.g. ssh: {knownHosts: ~/.ssh/known_hosts}");
        }
    }

    /** {@code effective}: the provider the lab runs with (null when provider: was wrong). */
    static SshSection read(Section top, Values values, Provider effective) {
        return new SshSection(top, values, effective);
    }

    /**
     * The node's {@code ssh:} merged over the top-level defaults, its host defaulting to its underlay address
     * {@code ip}; null when the provider is not ssh or anything is wrong (and recorded).
     */
    LabSpec.Ssh forNode(Section node, Ip4 ip) {
        Section own = onlyForSsh(node, "ssh", NODE_KEYS);
        if (effective != Provider.SSH || !own.ok()) {
            return null;
        }
        Val<String> host = own.field("host", ip == null ? null : ip.toString(),
                values.word("a host name or IPv4 address such as 192.168.56.11",
                        "a host name or IPv4 address such as 192.168.56.11 or kube1.example.org", HOST));
        Val<Integer> nodePort = own.field("port", valueOf(defaultPort), port);
        Val<String> nodeUser = own.field("user", valueOf(defaultUser), user);
        Val<Path> identity = own.field("identityFile", valueOf(defaultIdentity), values::existingFile);
        if (identity != null && identity.value() == null && defaultIdentity != null) {
            values.problems().at(own.anchor(), own.path("identityFile"),
                    "no private key for this node: give ssh: {identityFile: ...} at the top of the spec or in the node");
            return null;
        }
        if (host == null || host.value() == null || nodePort == null || nodePort.value() == null || nodeUser == null
                || nodeUser.value() == null || identity == null || knownHosts == null || knownHosts.value() == null) {
            return null;
        }
        return new LabSpec.Ssh(host.value(), nodePort.value(), nodeUser.value(), identity.value(), knownHosts.value());
    }

    private static <T> T valueOf(Val<T> v) {
        return v == null ? null : v.value();
    }

    /** A section that only provider ssh uses: given with another provider it is an error (and read as wrong). */
    private Section onlyForSsh(Section parent, String key, List<String> keys) {
        Node n = parent.value(key);
        if (n != null && effective != null && effective != Provider.SSH) {
            values.problems().at(n, parent.path(key), key + " is only for provider: ssh; with provider: " + effective.word()
                    + " vxlab " + (effective == Provider.NETNS ? "builds the nodes and their sshd itself" : "asks Vagrant how to reach each machine")
                    + " and would ignore it");
            return parent.wrong(key);
        }
        return parent.section(key, keys);
    }
}
