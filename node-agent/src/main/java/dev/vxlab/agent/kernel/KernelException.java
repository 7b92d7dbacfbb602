package dev.vxlab.agent.kernel;

import dev.vxlab.agent.AgentException;

/** iproute2 is missing, or the kernel refused a change the agent cannot do without (the VXLAN device). */
public class KernelException extends AgentException {
    public KernelException(String message, String hint) {
        super(message, hint);
    }

    public KernelException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
