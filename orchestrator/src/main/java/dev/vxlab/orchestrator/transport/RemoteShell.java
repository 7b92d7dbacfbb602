package dev.vxlab.orchestrator.transport;

/**
 * What vxlab needs from a node: run a command, put a file, reach a port there. Implemented over SSH
 * ({@link SshjShell}); every provider hands out this interface, so the pipeline runs against fakes in tests.
 */
public interface RemoteShell extends AutoCloseable {

    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command} through the node's shell; the caller quotes every value it puts in it. */
    Result exec(String command);

    /**
     * Writes {@code content} to {@code path} atomically (temp file + rename) with {@code mode} (octal, "0644"),
     * creating parent directories. Returns false, writing nothing, when the file already has that content and mode.
     */
    boolean put(String path, byte[] content, String mode);

    /**
     * Forwards a port on 127.0.0.1 of this machine to {@code host:port} as seen from the node; returns the local
     * port. The forward lives until {@link #close()}.
     */
    int forward(String host, int port);

    /** The host key type and fingerprint pinned on first contact with this node, or null when it was known. */
    default String pinned() {
        return null;
    }

    @Override
    void close();
}
