package dev.vxlab.orchestrator.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host keys checked against a known_hosts file, with two additions to OpenSSH's own rules:
 * <ul>
 *   <li>an <b>alias</b>: the key is filed under a name (a Vagrant machine's) instead of host:port, as OpenSSH's
 *   {@code HostKeyAlias} does — Vagrant forwards 127.0.0.1:2222 to one machine today and to another tomorrow;</li>
 *   <li><b>pin on first use</b>, for machines the lab itself has just made: a host with no entry is trusted
 *   once and its key appended to the file (the caller says so to the user); any later change of that key is
 *   refused, like OpenSSH's StrictHostKeyChecking=accept-new.</li>
 * </ul>
 * Without pinOnFirstUse an unknown host is refused: there is no accept-all path.
 */
final class PinnedHostKeys extends OpenSSHKnownHosts {
    /** Appends from parallel connections to one lab's file must not overwrite each other. */
    private static final Object FILE_LOCK = new Object();

    private final Path file;
    private final String alias;
    private final boolean pinOnFirstUse;
    private volatile String pinned;
    private volatile String changed;

    PinnedHostKeys(Path file, String alias, boolean pinOnFirstUse) throws IOException {
        super(ensure(file).toFile());
        this.file = file;
        this.alias = alias;
        this.pinOnFirstUse = pinOnFirstUse;
    }

    /** The file, created empty when missing (sessions to several nodes open at once: one creates it). */
    private static Path ensure(Path file) throws IOException {
        synchronized (FILE_LOCK) {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.createFile(file);
            }
        }
        return file;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        return alias == null ? super.verify(hostname, port, key) : super.verify(alias, 22, key);
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        if (!pinOnFirstUse) {
            return false;
        }
        // "unverifiable" also means: known, but under another key type; a host that offers another type than the
        // one pinned is a changed host, not a new one
        if (known(hostname)) {
            changed = KeyType.fromKey(key) + " " + SecurityUtils.getFingerprint(key) + " (another key type than the one pinned)";
            return false;
        }
        String line = hostname + " " + KeyType.fromKey(key) + " " + Base64.getEncoder().encodeToString(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
        synchronized (FILE_LOCK) {
            try {
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        pinned = KeyType.fromKey(key) + " " + SecurityUtils.getFingerprint(key);
        return true;
    }

    private boolean known(String hostname) {
        for (KnownHostEntry e : entries()) {
            try {
                if (e.appliesTo(hostname)) {
                    return true;
                }
            } catch (IOException ex) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        changed = KeyType.fromKey(key) + " " + SecurityUtils.getFingerprint(key);
        return false;
    }

    /** The key type and fingerprint pinned by this connection, or null. */
    String pinned() {
        return pinned;
    }

    /** The key type and fingerprint the host offered when it differed from the pinned one, or null. */
    String changed() {
        return changed;
    }
}
