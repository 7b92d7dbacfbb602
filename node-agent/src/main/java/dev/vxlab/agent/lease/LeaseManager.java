package dev.vxlab.agent.lease;

import dev.vxlab.core.lease.Lease;
import dev.vxlab.core.lease.LeaseAttrs;
import dev.vxlab.core.net.Ip4Net;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acquires and keeps this node's subnet lease.
 *
 * <p>Design notes. flannel identifies "its" lease by public IP, which is exactly what goes wrong under
 * Vagrant: two VMs with the same NAT address share one lease. Identifying by node name alone fails the same
 * way for machines cloned with one hostname. vxlabd identifies a lease by the node ID, name and address it
 * writes into the value ({@link LeaseAttrs#sameNode}): machines that share a hostname each get a subnet of
 * their own (with a warning: tools that go by name cannot tell them apart), and another node's lease with the
 * same public IP is a misconfiguration to refuse, never to take over. The order of preference is flannel's:
 * the lease this node already holds, then the subnet of the previous subnet.env if still free and in range,
 * then a random free subnet. Claims are create-if-absent transactions; a lost race re-reads the leases and
 * tries another subnet (flannel's v3 code returns an error to the loser instead), so any number of agents
 * started at once all succeed while free subnets remain. Two agents that claim one public IP at the same
 * moment both get a lease; each then re-reads and the later claim (higher create revision) gives its lease
 * back and refuses, so exactly one stays. Two agents with one identity (a machine cloned with its node ID
 * file, or two agents on one machine) cannot be told apart when they claim; the one whose lease the other
 * rewrote sees it at its next check and refuses ({@link NodeIdentityConflictException}) instead of taking
 * it back, so they do not take it from each other in turn.
 */
public final class LeaseManager {
    private static final Logger log = LoggerFactory.getLogger(LeaseManager.class);
    static final int MAX_ATTEMPTS = 1000;

    private final SubnetRegistry registry;
    private final Clock clock;
    private final RandomGenerator random;

    public LeaseManager(SubnetRegistry registry, Clock clock, RandomGenerator random) {
        this.registry = registry;
        this.clock = clock;
        this.random = random;
    }

    /** What this node asks for. {@code preferred} is the subnet it held before (or read from an old subnet.env). */
    public record Request(NetworkConfig config, LeaseAttrs attrs, Duration ttl, Optional<Ip4Net> preferred,
                          String iface, List<String> otherInterfaces) {
        String nodeName() {
            return attrs.node().name();
        }

        boolean mine(Lease l) {
            return l.attrs().sameNode(attrs);
        }
    }

    /** A lease this node holds, and when the store will expire it unless renewed. */
    public record Held(Lease lease, Instant expires, boolean reused) {
        public Ip4Net subnet() {
            return lease.subnet();
        }
    }

    public Held acquire(Request req) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            SubnetRegistry.Snapshot snap = registry.leases();
            // A node that already holds its lease only yields to claims older than its own, and only if its lease
            // already advertises this public IP: switching to an IP another node advertises is a new claim.
            long ownSince = snap.leases().stream()
                    .filter(l -> req.mine(l) && req.config().inRange(l.subnet())
                            && l.attrs().publicIp().equals(req.attrs().publicIp()))
                    .mapToLong(Lease::createRevision).min().orElse(Long.MAX_VALUE);
            refuseDuplicate(req, snap.leases(), ownSince);
            Optional<Held> held = tryOnce(req, snap.leases());
            if (held.isPresent()) {
                afterClaim(req, held.get());
                return held.get();
            }
            log.debug("lost a race for a subnet; re-reading leases attempt={}", attempt);
        }
        throw new IllegalStateException("could not claim a subnet after " + MAX_ATTEMPTS + " attempts");
    }

    private Optional<Held> tryOnce(Request req, List<Lease> leases) {
        NetworkConfig cfg = req.config();
        List<Lease> own = leases.stream().filter(req::mine)
                .sorted(Comparator.comparing((Lease l) -> !req.preferred().map(l.subnet()::equals).orElse(false))
                        .thenComparingLong(Lease::createRevision))
                .toList();
        Optional<Lease> keep = own.stream().filter(l -> cfg.inRange(l.subnet())).findFirst();
        for (Lease extra : own) {
            if (keep.isEmpty() || extra != keep.get()) {
                // Out of range after a config change, or a second lease of this node: give it back.
                log.info("Releasing lease {} of this node: {}", extra.subnet(),
                        cfg.inRange(extra.subnet()) ? "this node already holds another" : "not in the network config's range");
                registry.revoke(extra);
            }
        }
        if (keep.isPresent()) {
            Lease current = keep.get();
            Instant now = clock.instant();
            return registry.replace(current, req.attrs(), req.ttl()).map(l -> {
                log.info("Found lease ({}) for this node ({}), reusing", current.subnet(), req.nodeName());
                return new Held(l, now.plus(req.ttl()), true);
            });
        }

        List<Ip4Net> taken = leases.stream().filter(l -> !req.mine(l)).map(Lease::subnet).toList();
        Optional<Ip4Net> preferred = req.preferred().filter(cfg::inRange).filter(p -> SubnetAllocator.isFree(p, taken));
        Ip4Net candidate;
        if (preferred.isPresent()) {
            candidate = preferred.get();
        } else {
            SubnetAllocator.Pick pick = SubnetAllocator.pick(cfg, taken, random);
            if (pick.chosen().isEmpty()) {
                throw new SubnetsExhaustedException(cfg, pick.total(), taken.size());
            }
            candidate = pick.chosen().get();
        }
        Instant now = clock.instant();
        return registry.create(candidate, req.attrs(), req.ttl()).map(l -> new Held(l, now.plus(req.ttl()), false));
    }

    /** Re-reads the leases after a claim: if another node claimed the same public IP first, give ours back and refuse. */
    private void afterClaim(Request req, Held held) {
        List<Lease> leases = registry.leases().leases();
        try {
            refuseDuplicate(req, leases, held.lease().createRevision());
        } catch (DuplicatePublicIpException e) {
            registry.revoke(held.lease());
            throw e;
        }
        for (Lease l : leases) {
            if (isDuplicate(req, l)) {
                log.warn("Node {} claimed public IP {} after this node did; it will refuse to start", l.holder(), l.attrs().publicIp());
            } else if (!req.mine(l) && l.attrs().heldBy(req.nodeName())) {
                log.warn("Node name {} is also used by the machine at {}{} (subnet {}); each machine keeps a subnet of its own,"
                        + " told apart by its node ID, but whatever goes by node name (vxlab status, kubectl) cannot tell them apart:"
                        + " give each machine its own hostname, or --node-name / FLANNELD_NODE_NAME",
                        req.nodeName(), l.attrs().publicIp(), iface(l), l.subnet());
            }
        }
    }

    private static String iface(Lease l) {
        return l.attrs().node() != null && l.attrs().node().iface() != null ? " (" + l.attrs().node().iface() + ")" : "";
    }

    private void refuseDuplicate(Request req, List<Lease> leases, long claimedAt) {
        leases.stream()
                .filter(l -> isDuplicate(req, l) && l.createRevision() < claimedAt)
                .min(Comparator.comparingLong(Lease::createRevision))
                .ifPresent(l -> {
                    throw new DuplicatePublicIpException(l, req.nodeName(), req.attrs().publicIp(), req.iface(), req.otherInterfaces());
                });
    }

    private static boolean isDuplicate(Request req, Lease l) {
        return !req.mine(l) && l.attrs().publicIp().equals(req.attrs().publicIp());
    }

    /** Extends the lease by its TTL. Throws {@link LeaseGoneException} when it vanished; then call {@link #acquire} again. */
    public Held renew(Held held, Duration ttl) {
        Instant now = clock.instant();
        registry.renew(held.lease());
        return new Held(held.lease(), now.plus(ttl), held.reused());
    }

    /**
     * Confirms the key still exists and is still this node's, under the store lease this agent renews. Throws
     * {@link LeaseGoneException} when it is not: deleted by hand, expired while the node was paused, lost in
     * an etcd restore, or taken by another node. Throws {@link NodeIdentityConflictException} when another
     * agent with this node's identity rewrote it: re-acquiring would take it back from that agent, which
     * would take it back in turn.
     */
    public void check(Held held, LeaseAttrs me) {
        Optional<Lease> now = registry.get(held.subnet());
        if (now.isEmpty()) {
            throw new LeaseGoneException("lease " + held.subnet() + " no longer exists in etcd");
        }
        Lease found = now.get();
        if (!found.attrs().sameNode(me)) {
            throw new LeaseGoneException("lease " + held.subnet() + " is now held by " + found.holder()
                    + " at " + found.attrs().publicIp());
        }
        if (found.etcdLeaseId() != held.lease().etcdLeaseId()) {
            throw new NodeIdentityConflictException(found, me);
        }
    }
}
