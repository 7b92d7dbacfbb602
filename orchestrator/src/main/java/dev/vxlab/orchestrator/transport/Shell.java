package dev.vxlab.orchestrator.transport;

/** Quoting for the remote shell: every value that reaches a command line goes through {@link #quote}. */
public final class Shell {
    private Shell() {
    }

    /** POSIX single quotes: the value stays one word and nothing in it is interpreted. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
