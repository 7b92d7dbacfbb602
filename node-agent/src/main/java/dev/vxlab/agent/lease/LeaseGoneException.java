package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;

/** The lease this node held no longer exists in the store: deleted, expired, or the store was restored. */
public class LeaseGoneException extends AgentException {
    public LeaseGoneException(String message) {
        super(message);
    }
}
