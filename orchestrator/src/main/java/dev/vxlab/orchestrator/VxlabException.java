package dev.vxlab.orchestrator;

/**
 * A step that failed: what failed, where (node or component), and what to try. Library code throws it; only
 * the CLI catches it, prints the message and the hint, and picks the exit code.
 */
public class VxlabException extends RuntimeException {
    private final String hint;

    public VxlabException(String message, String hint) {
        this(message, hint, null);
    }

    public VxlabException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
