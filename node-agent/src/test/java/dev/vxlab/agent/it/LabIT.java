package dev.vxlab.agent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run real agents on a {@link NetnsLab} of three nodes with etcd in the lab's switch
 * namespace: builds the lab once per class, stops every agent a test started, removes the lab at the end.
 * A class that needs more nodes declares its own {@code @BeforeAll static void buildLab()} (which hides this
 * one) calling {@link #buildLab(int)}. Each node is a machine of its own: its node ID file sits in its directory.
 */
abstract class LabIT {
    static final int NODES = 3;
    static NetnsLab lab;
    static EtcdProcess etcd;
    final List<AgentProcess> agents = new ArrayList<>();
    @TempDir
    Path tmp;

    @BeforeAll
    static void buildLab() {
        buildLab(NODES);
    }

    static void buildLab(int nodes) {
        // JUnit may run this class's buildLab() before a subclass's own (seen with 5.14: SharedHostnameIT left a
        // 3-node lab and its etcd behind): remove a lab already built, or it outlives the test run
        removeLab();
        lab = new NetnsLab(nodes);
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
