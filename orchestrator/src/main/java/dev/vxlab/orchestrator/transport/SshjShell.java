package dev.vxlab.orchestrator.transport;

import dev.vxlab.orchestrator.VxlabException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.xfer.InMemorySourceFile;

/**
 * {@link RemoteShell} over SSH with sshj. The host key must be in the given known_hosts file (pinned); there
 * is no accept-all verifier. Files go over SFTP to a temp name and are renamed into place.
 */
public final class SshjShell implements RemoteShell {
    private final SSHClient ssh;
    private final String where;

    /** Connection facts: address, port, user, private key, and the known_hosts file holding the host's key. */
    public record Target(String host, int port, String user, Path identity, Path knownHosts) {
    }

    public static SshjShell connect(Target t, int timeoutMillis) {
        SSHClient ssh = new SSHClient();
        String where = t.user() + "@" + t.host() + ":" + t.port();
        try {
            ssh.addHostKeyVerifier(new OpenSSHKnownHosts(t.knownHosts().toFile()));
            ssh.setConnectTimeout(timeoutMillis);
            ssh.setTimeout(60_000);
            ssh.connect(t.host(), t.port());
            ssh.authPublickey(t.user(), ssh.loadKeys(t.identity().toString()));
            return new SshjShell(ssh, where);
        } catch (IOException e) {
            try {
                ssh.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new VxlabException("cannot open SSH to " + where + ": " + e.getMessage(),
                    "is the node up? `vxlab status` shows it; a changed host key is refused on purpose", e);
        }
    }

    private SshjShell(SSHClient ssh, String where) {
        this.ssh = ssh;
        this.where = where;
    }

    @Override
    public Result exec(String command) {
        try (Session session = ssh.startSession()) {
            Session.Command cmd = session.exec(command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(cmd.getErrorStream(), err), "ssh-stderr");
            errReader.start();
            String out = IOUtils.readFully(cmd.getInputStream()).toString(StandardCharsets.UTF_8);
            errReader.join(10_000);
            cmd.join(60, TimeUnit.SECONDS);
            Integer code = cmd.getExitStatus();
            return new Result(code == null ? -1 : code, out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VxlabException("SSH command failed on " + where + ": " + e.getMessage(), "check the node with `vxlab ssh`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VxlabException("interrupted while running a command on " + where, null, e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the command ended
        }
    }

    @Override
    public boolean put(String path, byte[] content, String mode) {
        String q = Shell.quote(path);
        String dir = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        // one round trip: the directory exists afterwards, and we learn the file's hash and mode if it is there
        Result have = exec("mkdir -p " + Shell.quote(dir) + " && if [ -f " + q + " ]; then sha256sum " + q
                + " | cut -d' ' -f1; stat -c %a " + q + "; fi");
        if (!have.ok()) {
            throw new VxlabException("cannot create " + dir + " on " + where + ": " + have.stderr().trim(), null);
        }
        String[] lines = have.stdout().trim().split("\n");
        if (lines.length == 2 && lines[0].equals(sha256(content)) && Integer.parseInt(lines[1].trim(), 8) == Integer.parseInt(mode, 8)) {
            return false;
        }
        String tmp = path + ".vxlab-tmp";
        try {
            sftp().put(new InMemorySourceFile() {
                @Override
                public String getName() {
                    return tmp.substring(tmp.lastIndexOf('/') + 1);
                }

                @Override
                public long getLength() {
                    return content.length;
                }

                @Override
                public InputStream getInputStream() {
                    return new java.io.ByteArrayInputStream(content);
                }
            }, tmp);
        } catch (IOException e) {
            throw new VxlabException("cannot upload " + path + " to " + where + ": " + e.getMessage(), null, e);
        }
        Result mv = exec("chmod " + mode + " " + Shell.quote(tmp) + " && mv -f " + Shell.quote(tmp) + " " + q);
        if (!mv.ok()) {
            throw new VxlabException("cannot move " + path + " into place on " + where + ": " + mv.stderr().trim(), null);
        }
        return true;
    }

    private SFTPClient sftpClient;

    private synchronized SFTPClient sftp() throws IOException {
        if (sftpClient == null) {
            sftpClient = ssh.newSFTPClient();
        }
        return sftpClient;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (sftpClient != null) {
                sftpClient.close();
            }
            ssh.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
