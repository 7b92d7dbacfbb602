package dev.vxlab.agent.iface;

import dev.vxlab.agent.AgentException;

/** No interface matches what was asked for; the message lists every interface with its addresses. */
public class InterfaceSelectionException extends AgentException {
    public InterfaceSelectionException(String message, String hint) {
        super(message, hint);
    }
}
