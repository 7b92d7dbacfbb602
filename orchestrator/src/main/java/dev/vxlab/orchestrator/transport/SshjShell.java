package dev.vxlab.orchestrator.transport;

import dev.vxlab.orchestrator.VxlabException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.SocketFactory;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Parameters;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.xfer.InMemorySourceFile;

/**
 * {@link RemoteShell} over SSH with sshj. The host key must be in the given known_hosts file (pinned); there
 * is no accept-all verifier. Files go over SFTP to a temp name and are renamed into place.
 */
public final class SshjShell implements RemoteShell {
    private final SSHClient ssh;
    private final String where;
    private final boolean sudo;
    private final String pinned;
    private final List<Forward> forwards = new CopyOnWriteArrayList<>();

    /** A forwarded port: its server socket here and the thread that accepts on it. */
    private record Forward(ServerSocket server, Thread thread) {
    }

    /** The pause after a forwarded connection failed (the far side refused it), before the next one is accepted. */
    static final long FORWARD_RETRY_MS = 20;

    /** The name of the thread that serves local port {@code local}, forwarded to {@code host:port} on the node. */
    public static String forwardThreadName(int local, String host, int port) {
        return "ssh-forward-" + local + "-" + host + ":" + port;
    }
    private SFTPClient sftpClient;

    /**
     * Connection facts: address, port, user, private key, and the known_hosts file holding the host's key.
     * {@code alias}: the name the host key is filed under instead of host:port (a Vagrant machine's name: its
     * forwarded port on 127.0.0.1 is reused by other machines later); {@code pinOnFirstUse}: a host with no
     * entry yet is trusted and recorded once (only for machines the lab itself just made) — a changed key is
     * refused either way. Commands run through {@code sudo} when the user is not root.
     */
    public record Target(String host, int port, String user, Path identity, Path knownHosts, String alias, boolean pinOnFirstUse) {
        public Target(String host, int port, String user, Path identity, Path knownHosts) {
            this(host, port, user, identity, knownHosts, null, false);
        }

        public boolean sudo() {
            return !"root".equals(user);
        }

        public String where() {
            return user + "@" + host + ":" + port + (alias == null ? "" : " (" + alias + ")");
        }

        /** The target as one line for a lab's state (tab-separated fields; no field holds a tab). */
        public String record() {
            return String.join("\t", host, String.valueOf(port), user, identity.toString(), knownHosts.toString(),
                    alias == null ? "" : alias, String.valueOf(pinOnFirstUse));
        }

        /** A target from {@link #record()}. */
        public static Target fromRecord(String record) {
            String[] f = record.split("\t", -1);
            return new Target(f[0], Integer.parseInt(f[1]), f[2], Path.of(f[3]), Path.of(f[4]), f[5].isEmpty() ? null : f[5],
                    Boolean.parseBoolean(f[6]));
        }
    }

    /**
     * Sockets with TCP_NODELAY, as OpenSSH's client sets: without it a command's small packets can wait on Nagle's
     * algorithm and the peer's delayed ACK, about 40 ms a turn (BENCHMARKS.md, speed).
     */
    private static final SocketFactory NO_DELAY = new SocketFactory() {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }

        private Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }
    };

    public static SshjShell connect(Target t, int timeoutMillis) {
        SSHClient ssh = new SSHClient();
        String where = t.where();
        PinnedHostKeys keys = null;
        try {
            keys = new PinnedHostKeys(t.knownHosts(), t.alias(), t.pinOnFirstUse());
            ssh.addHostKeyVerifier(keys);
            ssh.setConnectTimeout(timeoutMillis);
            ssh.setTimeout(60_000);
            ssh.setSocketFactory(NO_DELAY);
            ssh.connect(t.host(), t.port());
            ssh.authPublickey(t.user(), ssh.loadKeys(t.identity().toString()));
            SshjShell shell = new SshjShell(ssh, where, t.sudo(), keys.pinned());
            if (t.sudo()) {
                Result r = shell.exec("true");
                if (!r.ok()) {
                    shell.close();
                    throw new VxlabException("user " + t.user() + " on " + where + " cannot run commands as root without a password ("
                            + (r.stderr().isBlank() ? "sudo -n true failed" : r.stderr().strip()) + ")",
                            "give " + t.user() + " passwordless sudo (NOPASSWD in /etc/sudoers.d), or connect as root");
                }
            }
            return shell;
        } catch (IOException e) {
            try {
                ssh.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            if (keys != null && keys.changed() != null) {
                throw new VxlabException("the host key of " + where + " has changed: it offers " + keys.changed() + ", "
                        + t.knownHosts() + " holds another; refusing to connect",
                        "if the machine was re-created on purpose, `vxlab down` the lab and bring it up again, or delete the line for "
                                + (t.alias() != null ? t.alias() : t.host()) + " from " + t.knownHosts(), e);
            }
            if (keys != null && !t.pinOnFirstUse() && e.getMessage() != null && e.getMessage().contains("Could not verify")) {
                throw new VxlabException("the host key of " + where + " is not in " + t.knownHosts() + "; refusing to connect",
                        "add it after checking its fingerprint on the host: ssh-keyscan -p " + t.port() + " " + t.host() + " >> "
                                + t.knownHosts(), e);
            }
            throw new VxlabException("cannot open SSH to " + where + ": " + e.getMessage(),
                    "is the node up? `vxlab status` shows it; a changed host key is refused on purpose", e);
        }
    }

    private SshjShell(SSHClient ssh, String where, boolean sudo, String pinned) {
        this.ssh = ssh;
        this.where = where;
        this.sudo = sudo;
        this.pinned = pinned;
    }

    @Override
    public String pinned() {
        return pinned;
    }

    /**
     * Forwards a port on 127.0.0.1 of this machine to {@code host:port} as seen from the node (etcd on a node,
     * reached without routing anything to the lab). Returns the local port; the forward lives until close().
     */
    @Override
    public int forward(String host, int port) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            var params = new Parameters("127.0.0.1", server.getLocalPort(), host, port);
            var forwarder = ssh.newLocalPortForwarder(params, server);
            // sshj's listen() ends at the first connection the far side refuses (etcd not up yet): listen again
            // until close(). It does not end when its server socket is closed, only when its thread is interrupted
            // (sshj 0.40 catches the closed socket's exception and accepts again, at once, for ever): close()
            // interrupts this thread first, and a failure is followed by a pause, so that nothing here ever spins
            Thread t = new Thread(() -> {
                while (!server.isClosed() && !Thread.currentThread().isInterrupted()) {
                    try {
                        forwarder.listen();
                    } catch (IOException refusedOrClosed) {
                        try {
                            Thread.sleep(FORWARD_RETRY_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, forwardThreadName(server.getLocalPort(), host, port));
            t.setDaemon(true);
            forwards.add(new Forward(server, t));
            t.start();
            return server.getLocalPort();
        } catch (IOException e) {
            throw new VxlabException("cannot forward a local port to " + host + ":" + port + " through " + where + ": " + e.getMessage(), null, e);
        }
    }

    /** How long one remote command may run: package installs are the slowest step vxlab runs this way. */
    static final long EXEC_TIMEOUT_SECONDS = Long.getLong("vxlab.ssh.execTimeoutSeconds", 600);

    @Override
    public Result exec(String command) {
        try (Session session = ssh.startSession()) {
            // not root: the whole command line under sudo (-n: fail instead of asking for a password)
            Session.Command cmd = session.exec(sudo ? "sudo -n sh -c " + Shell.quote("PATH=/usr/local/sbin:/usr/sbin:/sbin:$PATH; " + command)
                    : command);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outReader = new Thread(() -> copy(cmd.getInputStream(), out), "ssh-stdout");
            Thread errReader = new Thread(() -> copy(cmd.getErrorStream(), err), "ssh-stderr");
            outReader.start();
            errReader.start();
            // the channel closes when the command and everything holding its output have ended; a background
            // process that kept the session's stdout would otherwise hang vxlab without a word
            cmd.join(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (cmd.isOpen()) {
                throw new VxlabException("a command on " + where + " did not finish within " + EXEC_TIMEOUT_SECONDS + " s: "
                        + (command.length() > 200 ? command.substring(0, 200) + "..." : command),
                        "a process it started in the background may hold its output open; run it by hand with vxlab ssh");
            }
            outReader.join(10_000);
            errReader.join(10_000);
            Integer code = cmd.getExitStatus();
            return new Result(code == null ? -1 : code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (ConnectionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new VxlabException("a command on " + where + " did not finish within " + EXEC_TIMEOUT_SECONDS + " s", null, e);
            }
            throw new VxlabException("SSH command failed on " + where + ": " + e.getMessage(), "check the node with `vxlab ssh`", e);
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
        // as root the temp file sits beside the target (rename is atomic); otherwise SFTP writes as the user, to
        // /tmp, and sudo moves the file into place
        String tmp = sudo ? "/tmp/.vxlab-" + UUID.randomUUID() : path + ".vxlab-tmp";
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

                @Override
                public int getPermissions() {
                    return 0600; // created private (a key, a password): `mode` is set by chmod once it is whole
                }
            }, tmp);
        } catch (IOException e) {
            throw new VxlabException("cannot upload " + path + " to " + where + ": " + e.getMessage(), null, e);
        }
        Result mv = exec("chmod " + mode + " " + Shell.quote(tmp) + (sudo ? " && chown 0:0 " + Shell.quote(tmp) : "")
                + " && mv -f " + Shell.quote(tmp) + " " + q);
        if (!mv.ok()) {
            throw new VxlabException("cannot move " + path + " into place on " + where + ": " + mv.stderr().trim(), null);
        }
        return true;
    }

    private synchronized SFTPClient sftp() throws IOException {
        if (sftpClient == null) {
            sftpClient = ssh.newSFTPClient();
        }
        return sftpClient;
    }

    /** Hex SHA-256, as sha256sum prints it: how put() tells that a node already has a file. */
    public static String sha256(byte[] content) {
        // one digest per array, not per node: the agent's 19 MB jar goes to every node of the lab
        return DIGESTS.computeIfAbsent(content, c -> {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** By identity (an array's equals and hashCode are its identity's), held no longer than the array. */
    private static final Map<byte[], String> DIGESTS = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public void close() {
        for (Forward f : forwards) {
            f.thread().interrupt();
            try {
                f.server().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
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
