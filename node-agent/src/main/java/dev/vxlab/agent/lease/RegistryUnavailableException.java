package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;

/** The lease store (etcd) did not answer in time or refused the connection. */
public class RegistryUnavailableException extends AgentException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, "check that etcd is running and reachable at the configured endpoints", cause);
    }
}
