package dev.vxlab.orchestrator.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The members of the etcd vxlab starts for a lab, computed from the spec alone (pure): their names, where each
 * runs, the client URL the agents use and the peer URL the members use among themselves.
 * <ul>
 *   <li>On this machine ({@code members: N}): every member listens on the underlay's host address, member 1 on
 *   2379/2380 (a one-member lab is exactly what it always was), member i on {@code i}2379/{@code i}2380 (22379,
 *   32379, ... as etcd's own Procfile does); data under the lab's state, a container or pid of its own each.</li>
 *   <li>On nodes ({@code on: [kube1, kube2, kube3]}): each member named after its node, on the node's underlay
 *   address; one member alone keeps its peer port on the node's loopback, as it always did.</li>
 * </ul>
 * All members of a lab share its cluster token, so that a member can never join another lab's cluster.
 */
public final class EtcdCluster {
    /** The container of the etcd member on a node. */
    public static final String NODE_CONTAINER = "vxlab-etcd";
    /** The most members a lab's etcd may have (etcd's own advice: 3 or 5). */
    public static final int MAX_MEMBERS = 5;

    private EtcdCluster() {
    }

    /**
     * One member. {@code node}: the node it runs on (null: this machine); {@code index}: 1-based; {@code
     * container}: its container's name on this machine (for a member on a node, {@link #NODE_CONTAINER}).
     */
    public record Member(int index, String name, String node, String ip, String clientUrl, String peerUrl, String container) {
        public boolean here() {
            return node == null;
        }

        /** The role its pid is recorded under in the lab's state (this machine's members). */
        public String pidRole() {
            return EtcdCluster.pidRole(index);
        }

        /** Its data directory's name under the lab's etcd directory (this machine's members). */
        public String dataName() {
            return EtcdCluster.dataName(index);
        }

        /** Its log file's name in the lab's state directory (this machine's members). */
        public String logName() {
            return EtcdCluster.fileName(index, ".log");
        }

        /** Where it runs, for a user: "kube2" or "this machine". */
        public String where() {
            return here() ? "this machine" : node;
        }
    }

    /** The role member {@code index}'s pid is recorded under in the lab's state: etcd, etcd-2, etcd-3... */
    public static String pidRole(int index) {
        return index == 1 ? "etcd" : "etcd-" + index;
    }

    /** Member {@code index}'s data directory under the lab's etcd directory: data, data-2, data-3... */
    public static String dataName(int index) {
        return index == 1 ? "data" : "data-" + index;
    }

    /** A file of member {@code index} in the lab's state directory: etcd.log, etcd-2.log... ({@code suffix} ".log", ".pid"). */
    public static String fileName(int index, String suffix) {
        return pidRole(index) + suffix;
    }

    /** The members vxlab starts for {@code spec}; empty for an external etcd. */
    public static List<Member> members(LabSpec spec) {
        LabSpec.Etcd e = spec.etcd();
        List<Member> members = new ArrayList<>();
        if (e.mode() == LabSpec.EtcdMode.EXTERNAL) {
            return members;
        }
        String scheme = EtcdTls.scheme(spec) + "://";
        if (e.on().isEmpty()) {
            String ip = spec.underlay().hostIp().toString();
            for (int i = 1; i <= e.members(); i++) {
                String port = i == 1 ? "" : String.valueOf(i);
                String name = i == 1 ? "vxlab-" + spec.name() : "vxlab-" + spec.name() + "-" + i;
                members.add(new Member(i, name, null, ip, scheme + ip + ":" + port + "2379", scheme + ip + ":" + port + "2380",
                        i == 1 ? "vxlab-" + spec.name() + "-etcd" : "vxlab-" + spec.name() + "-etcd-" + i));
            }
            return members;
        }
        boolean alone = e.on().size() == 1;
        for (int i = 0; i < e.on().size(); i++) {
            String node = e.on().get(i);
            String ip = spec.nodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().ip().toString();
            members.add(new Member(i + 1, node, node, ip, scheme + ip + ":2379",
                    alone ? scheme + "127.0.0.1:2380" : scheme + ip + ":2380", NODE_CONTAINER));
        }
        return members;
    }

    /** The client URLs as the agents reach them: every member's, in order. */
    public static List<String> clientUrls(List<Member> members) {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** etcd's {@code --initial-cluster}: name=peerURL for every member. */
    public static String initialCluster(List<Member> members) {
        return members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
    }

    /** The cluster token every member of the lab starts with. */
    public static String token(LabSpec spec) {
        return "vxlab-" + spec.name();
    }

    /**
     * A cluster of one member has no peer to hear heartbeats from; its election timeout only sets how long it waits,
     * at every start, before it elects itself: etcd fast-forwards all but one tick of it, then waits a randomized
     * 1 to 11 ticks, 0.1 to 1.1 s with the default 100 ms tick (seen: etcd's step of {@code up} 0.27 to 1.05 s). A
     * 20 ms tick makes that wait 20 to 220 ms; the election timeout stays ten heartbeats, as etcd advises.
     */
    static final List<String> SINGLE_MEMBER_TIMING = List.of("--heartbeat-interval", "20", "--election-timeout", "200");

    /**
     * etcd's flags for {@code m}, the data directory given as {@code dataDir}, and with TLS on ({@link EtcdTls}) its
     * certificates in {@code pkiDir}. A member on a node also listens on the node's loopback, where vxlab reaches it
     * through the node's SSH session.
     */
    public static List<String> flags(LabSpec spec, List<Member> members, Member m, String dataDir, String pkiDir) {
        String listenClients = m.here() ? m.clientUrl() : m.clientUrl() + "," + EtcdTls.scheme(spec) + "://127.0.0.1:2379";
        List<String> flags = new ArrayList<>(List.of("--name", m.name(), "--data-dir", dataDir,
                "--listen-client-urls", listenClients, "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(), "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", initialCluster(members), "--initial-cluster-token", token(spec),
                "--initial-cluster-state", "new"));
        if (members.size() == 1) {
            flags.addAll(SINGLE_MEMBER_TIMING);
        }
        if (EtcdTls.generated(spec)) {
            flags.addAll(EtcdTls.flags(m, pkiDir));
        }
        return List.copyOf(flags);
    }
}
