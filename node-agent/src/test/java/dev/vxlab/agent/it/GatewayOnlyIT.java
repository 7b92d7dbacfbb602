package dev.vxlab.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar, through its launcher, on a node of a lab of its own (namespaces "vxg…", underlay
 * 192.168.61.0/24) with the JVM logging every class it loads (-Xlog:class+load through JAVA_TOOL_OPTIONS): on
 * the normal path — etcd's JSON gateway on — it takes a lease, writes subnet.env and handles a peer's lease
 * without loading one io.grpc, io.netty, com.google.protobuf or io.etcd.jetcd class; with the gateway off
 * ({@code --enable-grpc-gateway=false}) it says that it talks to etcd through gRPC instead, and takes its lease
 * that way (the same log then shows gRPC's classes: the check can see them).
 */
class GatewayOnlyIT {
    private static final Pattern GRPC = Pattern.compile("\\] (io\\.grpc|io\\.netty|com\\.google\\.protobuf|io\\.etcd\\.jetcd)\\.");
    private static final String CONFIG = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}";
    private static final String PEER = "{\"PublicIP\":\"192.168.61.12\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
            + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"02:00:00:00:00:12\"}}";
    private static NetnsLab lab;
    private EtcdProcess etcd;
    private AgentProcess agent;
    @TempDir
    Path tmp;

    @BeforeAll
    static void buildLab() {
        lab = new NetnsLab(1, "vxg", "192.168.61");
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** etcd in the lab's switch with {@code etcdArgs}, the network config put, and the agent started on node 1 logging its class loads. */
    private Path startAgainst(List<String> etcdArgs) {
        etcd = EtcdProcess.inNamespace(lab.sw(), lab.switchIp(), etcdArgs);
        assertTrue(lab.etcdctl("put", "/coreos.com/network/config", CONFIG).ok());
        Path classes = tmp.resolve("classes.log");
        Path dir = tmp.resolve("kube1");
        agent = new AgentProcess(lab.node(1), "kube1", dir, List.of("--etcd-endpoints=http://" + lab.switchIp() + ":2379",
                "--iface=eth1", "--subnet-file=" + dir.resolve("subnet.env"), "--node-id-file=" + dir.resolve("node-id")),
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes, "VXLABD_CDS", "off"));
        return classes;
    }

    private static List<String> grpcClasses(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream().filter(l -> GRPC.matcher(l).find()).toList();
    }

    @Test
    void withTheGatewayOnTheAgentLoadsNoGrpcNettyOrProtobufClass() throws Exception {
        Path classes = startAgainst(List.of());
        agent.awaitLine("Subnet lease acquired: ", 30);
        agent.awaitLine("Wrote ", 20);
        assertTrue(lab.etcdctl("put", "/coreos.com/network/subnets/10.244.99.0-24", PEER).ok());
        agent.awaitLine("Subnet added: 10.244.99.0/24", 20); // the watch delivered it
        assertTrue(agent.alive());
        String log = Files.readString(classes);
        assertTrue(log.contains("] dev.vxlab.agent.lease.etcd.GatewayRegistry "), "the class log is complete: the registry is in it");
        assertTrue(log.contains("] dev.vxlab.agent.lease.etcd.GatewayWatch "), "and the watch");
        assertEquals(List.of(), grpcClasses(classes), "classes of gRPC, Netty, protobuf or jetcd loaded");
        assertTrue(!agent.output().contains("through gRPC"), agent.output());
    }

    @Test
    void withTheGatewayOffTheAgentSaysSoAndLeasesThroughGrpc() throws Exception {
        Path classes = startAgainst(List.of("--enable-grpc-gateway=false"));
        String line = agent.awaitLine("talking to etcd through gRPC instead", 30);
        assertTrue(line.contains("etcd's JSON gateway is off") && line.contains("404") && line.contains("--enable-grpc-gateway=false"), line);
        agent.awaitLine("Subnet lease acquired: ", 30);
        assertTrue(lab.etcdctl("put", "/coreos.com/network/subnets/10.244.99.0-24", PEER).ok());
        agent.awaitLine("Subnet added: 10.244.99.0/24", 20);
        assertTrue(grpcClasses(classes).size() > 100, "gRPC's classes are loaded now, and the check sees them");
    }
}
