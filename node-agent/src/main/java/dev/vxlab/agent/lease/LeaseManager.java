package dev.vxlab.agent.lease;

import dev.vxlab.agent.net.Ip4Net;
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
 * Vagrant: two VMs with the same NAT address share one lease. vxlabd identifies a lease by the node name it
 * writes into the value, and treats another node's lease with the same public IP as a misconfiguration to
 * refuse, never to take over. The order of preference is flannel's: the lease this node already holds, then
 * the subnet of the previous subnet.env if still free and in range, then a random free subnet. Claims are
 * create-if-absent transactions; a lost race re-reads the leases and tries another subnet (flannel's v3 code
 * returns an error to the loser instead), so any number of agents started at once all succeed while free
 * subnets remain. Two agents that claim one public IP at the same moment both get a lease; each then re-reads
 * and the later claim (higher create revision) gives its lease back and refuses, so exactly one stays.
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
                    .filter(l -> l.attrs().heldBy(req.nodeName()) && req.config().inRange(l.subnet())
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
        List<Lease> own = leases.stream().filter(l -> l.attrs().heldBy(req.nodeName()))
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

        List<Ip4Net> taken = leases.stream().filter(l -> !l.attrs().heldBy(req.nodeName())).map(Lease::subnet).toList();
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
            }
        }
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
        return !l.attrs().heldBy(req.nodeName()) && l.attrs().publicIp().equals(req.attrs().publicIp());
    }

    /** Extends the lease by its TTL. Throws {@link LeaseGoneException} when it vanished; then call {@link #acquire} again. */
    public Held renew(Held held, Duration ttl) {
        Instant now = clock.instant();
        registry.renew(held.lease());
        return new Held(held.lease(), now.plus(ttl), held.reused());
    }

    /**
     * Confirms the key still exists and is still this node's. Throws {@link LeaseGoneException} otherwise:
     * deleted by hand, expired while the node was paused, or lost in an etcd restore.
     */
    public void check(Held held, String nodeName) {
        Optional<Lease> now = registry.get(held.subnet());
        if (now.isEmpty()) {
            throw new LeaseGoneException("lease " + held.subnet() + " no longer exists in etcd");
        }
        if (!now.get().attrs().heldBy(nodeName)) {
            throw new LeaseGoneException("lease " + held.subnet() + " is now held by " + now.get().holder());
        }
        if (now.get().etcdLeaseId() != held.lease().etcdLeaseId()) {
            throw new LeaseGoneException("lease " + held.subnet() + " is attached to another etcd lease than the one this agent renews");
        }
    }
}
