package dev.vxlab.orchestrator.transport;

/** What provisioning needs from a node: run a command, put a file. Implemented over SSH (sshj). */
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

    @Override
    void close();
}
