package dev.vxlab.agent;

/**
 * Base of the agent's typed, unchecked errors. The message is the one line a user reads; {@link #hint()} is
 * what to try next. Only the agent's main loop catches these.
 */
public class AgentException extends RuntimeException {
    private final String hint;

    public AgentException(String message) {
        this(message, null, null);
    }

    public AgentException(String message, String hint) {
        this(message, hint, null);
    }

    public AgentException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What to try next, or null. */
    public String hint() {
        return hint;
    }
}
