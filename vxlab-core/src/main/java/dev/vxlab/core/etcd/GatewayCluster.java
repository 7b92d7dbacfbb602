package dev.vxlab.core.etcd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * etcd's cluster calls through its JSON gateway: the member list ({@code /v3/cluster/member/list}) and one
 * member's own status ({@code /v3/maintenance/status}: its ID and the leader it knows, 0 when it knows none —
 * a member cut off from the majority). Member IDs are unsigned 64-bit numbers, written by the gateway as strings.
 */
public final class GatewayCluster {
    private final GatewayClient client;

    /** One member as the cluster lists it. */
    public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls) {
    }

    /** What the member that answered says of itself: its ID, the leader's (0: none known), the raft term. */
    public record Status(long memberId, long leaderId, long raftTerm, String version) {
        public boolean hasLeader() {
            return leaderId != 0;
        }

        public boolean isLeader() {
            return leaderId != 0 && leaderId == memberId;
        }
    }

    public GatewayCluster(GatewayClient client) {
        this.client = client;
    }

    public List<Member> members() throws IOException {
        Map<String, Object> r = GatewayKv.call(client, "/v3/cluster/member/list", Map.of());
        List<Member> out = new ArrayList<>();
        if (r.get("members") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(new Member(GatewayKv.number(m.get("ID")), m.get("name") == null ? "" : String.valueOf(m.get("name")),
                            strings(m.get("peerURLs")), strings(m.get("clientURLs"))));
                }
            }
        }
        return out;
    }

    public Status status() throws IOException {
        Map<String, Object> r = GatewayKv.call(client, "/v3/maintenance/status", Map.of());
        long member = r.get("header") instanceof Map<?, ?> h ? GatewayKv.number(h.get("member_id")) : 0;
        return new Status(member, GatewayKv.number(r.get("leader")), GatewayKv.number(r.get("raftTerm")), r.get("version") == null ? "" : String.valueOf(r.get("version")));
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            list.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
