package dev.vxlab.agent.config;

import dev.vxlab.agent.AgentException;

/** A bad flag, environment variable or sysconfig file entry. */
public class ConfigException extends AgentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, String hint) {
        super(message, hint);
    }
}
