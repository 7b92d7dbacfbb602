package dev.vxlab.agent.lease;

import dev.vxlab.agent.AgentException;
import java.util.List;

/** The network config in etcd is malformed or breaks one of flannel's rules; lists every problem found. */
public class NetworkConfigException extends AgentException {
    private final List<String> problems;

    public NetworkConfigException(String key, List<String> problems) {
        super("invalid network config at " + key + ": " + String.join("; ", problems),
                "fix it with: etcdctl put " + key + " '{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}'");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
