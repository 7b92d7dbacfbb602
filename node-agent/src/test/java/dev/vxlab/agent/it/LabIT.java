package dev.vxlab.agent.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run real agents on a {@link NetnsLab} of three nodes with etcd in the lab's switch
 * namespace: builds the lab once per class, stops every agent a test started, removes the lab at the end.
 * A class that needs another number of nodes says so with {@link Nodes}. Each node is a machine of its own:
 * its node ID file sits in its directory.
 */
abstract class LabIT {
    static final int NODES = 3;
    static NetnsLab lab;
    static EtcdProcess etcd;
    final List<AgentProcess> agents = new ArrayList<>();
    @TempDir
    Path tmp;

    /** How many nodes a test class's lab has (default {@value #NODES}). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Nodes {
        int value();
    }

    @BeforeAll
    static void buildLab(TestInfo info) {
        Nodes n = info.getTestClass().map(c -> c.getAnnotation(Nodes.class)).orElse(null);
        lab = new NetnsLab(n == null ? NODES : n.value());
        etcd = EtcdProcess.inNamespace(lab.sw(), "192.168.56.1");
    }

    @AfterAll
    static void removeLab() {
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(AgentProcess::close);
        agents.clear();
    }

    /** vxlabd on node {@code node} (hostname kube&lt;node&gt;) against the lab's etcd, subnet.env in the test's temp dir. */
    AgentProcess startAgent(int node, List<String> extra) {
        return startAgent(node, "kube" + node, extra);
    }

    /** The same with another hostname; {@code --node-id-file} in {@code extra} replaces the node's own. */
    AgentProcess startAgent(int node, String hostname, List<String> extra) {
        Path dir = tmp.resolve("kube" + node);
        List<String> args = new ArrayList<>(List.of("--etcd-endpoints=http://192.168.56.1:2379",
                "--subnet-file=" + dir.resolve("subnet.env")));
        if (extra.stream().noneMatch(a -> a.startsWith("--node-id-file="))) {
            args.add("--node-id-file=" + dir.resolve("node-id"));
        }
        args.addAll(extra);
        AgentProcess a = new AgentProcess(lab.node(node), hostname, dir, args);
        agents.add(a);
        return a;
    }
}
