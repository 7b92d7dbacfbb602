package dev.vxlab.orchestrator.doctor;

import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.net.Ip4Net;
import java.util.List;

/**
 * What etcd held when the doctor read it: the network config and every lease with the seconds it has left
 * ({@code ttl} null when the key has no etcd lease). {@code error} is set when etcd could not be read.
 * {@code members}: each member vxlab started and how it answered (empty: an external etcd, or not asked).
 */
public record EtcdFacts(String endpoint, String error, String config, List<LeaseFact> leases, List<Member> members) {

    public EtcdFacts(String endpoint, String error, String config, List<LeaseFact> leases) {
        this(endpoint, error, config, leases, List.of());
    }

    /** One member: {@code on} its node or "this machine"; {@code health} healthy, no leader, down or unreachable. */
    public record Member(String name, String on, String clientUrl, String health, boolean leader) {
        public static final String HEALTHY = "healthy";

        public boolean healthy() {
            return health.equals(HEALTHY);
        }
    }

    /**
     * What the members' answers mean (pure): {@code needed} of the {@code members} must be healthy for etcd to take
     * writes; {@code down} the others, in order; {@code leader} the name of the one that says it leads (null: none).
     */
    public record Quorum(int members, int healthy, int needed, String leader, List<Member> down) {
        public static Quorum of(List<Member> members) {
            List<Member> down = members.stream().filter(m -> !m.healthy()).toList();
            String leader = members.stream().filter(Member::leader).map(Member::name).findFirst().orElse(null);
            return new Quorum(members.size(), members.size() - down.size(), members.size() / 2 + 1, leader, down);
        }

        public boolean held() {
            return healthy >= needed;
        }

        /** How many more members may fail before the quorum is lost (0 when it is lost). */
        public int spare() {
            return Math.max(0, healthy - needed);
        }

        /** The members that are not healthy, with their state: "kube3 down, kube2 no leader". */
        public String downNames() {
            return String.join(", ", down.stream().map(m -> m.name() + " " + m.health()).toList());
        }
    }

    /** The same facts with the members' answers. */
    public EtcdFacts withMembers(List<Member> members) {
        return new EtcdFacts(endpoint, error, config, leases, List.copyOf(members));
    }

    /** A lease key, its value as stored, and its parsed value (null when the value is not a lease). */
    public record LeaseFact(String key, Ip4Net subnet, String value, LeaseAttrs attrs, Long ttl) {
        /** The key and value as {@code etcdctl get} prints them. */
        public String etcdctlLine() {
            return key + " " + value;
        }

        public String nodeName() {
            return attrs == null || attrs.node() == null ? null : attrs.node().name();
        }

        /** A key and value read from etcd; null when the key is not a lease key under {@code prefix}. */
        public static LeaseFact of(String prefix, String key, String value, Long ttl) {
            Ip4Net subnet = SubnetKey.parse(prefix, key).orElse(null);
            if (subnet == null) {
                return null;
            }
            LeaseAttrs attrs;
            try {
                attrs = LeaseAttrs.fromJson(value);
            } catch (IllegalArgumentException e) {
                attrs = null;
            }
            return new LeaseFact(key, subnet, value, attrs, ttl);
        }
    }

    public static EtcdFacts unreadable(String endpoint, String error) {
        return new EtcdFacts(endpoint, error, null, List.of());
    }

    public boolean readable() {
        return error == null;
    }
}
