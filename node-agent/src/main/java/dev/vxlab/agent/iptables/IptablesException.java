package dev.vxlab.agent.iptables;

import dev.vxlab.agent.AgentException;

/** iptables is missing, or refused to read a table or to apply the agent's rules. */
public class IptablesException extends AgentException {
    public IptablesException(String message, String hint) {
        super(message, hint);
    }

    public IptablesException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
