package dev.vxlab.agent;

import dev.vxlab.agent.health.AgentStatus;
import dev.vxlab.agent.health.Metrics;
import dev.vxlab.agent.lease.LeaseGoneException;
import dev.vxlab.agent.lease.LeaseManager;
import dev.vxlab.agent.lease.RegistryUnavailableException;
import dev.vxlab.core.lease.SubnetKey;
import dev.vxlab.core.text.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's lease for the loop: acquires it, retrying with backoff while etcd cannot be reached;
 * renews it {@code --subnet-lease-renew-margin} before it runs out; between renewals checks that the key is still
 * this node's ({@link LeaseManager#check}); re-acquires it, the same subnet when still free, once it is gone;
 * and keeps the backoff of the loop's own etcd calls. Which lease is this node's is {@link LeaseManager}'s
 * business; this class only decides when to ask.
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final LeaseManager leases;
    private final Waits waits;
    private final AgentStatus status;
    private final Metrics metrics;
    private final String etcdPrefix;
    private final Duration renewMargin;
    private final Backoff backoff = new Backoff();
    private LeaseManager.Request request;
    private LeaseManager.Held held;

    LeaseKeeper(LeaseManager leases, Waits waits, AgentStatus status, Metrics metrics, String etcdPrefix, Duration renewMargin) {
        this.leases = leases;
        this.waits = waits;
        this.status = status;
        this.metrics = metrics;
        this.etcdPrefix = etcdPrefix;
        this.renewMargin = renewMargin;
    }

    /** The lease held (after a successful {@link #acquire}). */
    LeaseManager.Held held() {
        return held;
    }

    /** When the lease is to be renewed. */
    Instant renewAt() {
        return held.expires().minus(renewMargin);
    }

    /** Acquires the lease {@code request} asks for. False: stopped while waiting for etcd. */
    boolean acquire(LeaseManager.Request request) {
        this.request = request;
        return acquireRetrying();
    }

    /**
     * Renews the lease when {@code now} is past {@link #renewAt()}, else checks that its key is still this node's.
     * Throws {@link LeaseGoneException} when it is gone (then {@link #reacquire}), and
     * {@link RegistryUnavailableException} when etcd does not answer (then wait {@link #retryIn()}).
     */
    void renewOrCheck(Instant now) {
        if (!now.isBefore(renewAt())) {
            held = leases.renew(held, request.ttl());
            metrics.leaseExpiry(held.expires().getEpochSecond());
            log.info("Renewed lease {} (expires at {})", held.subnet(), held.expires());
        } else {
            leases.check(held, request.attrs());
        }
    }

    /** The lease is gone: acquires one again, the same subnet when it is still free. False: stopped meanwhile. */
    boolean reacquire(LeaseGoneException gone) {
        status.leaseLost();
        log.warn("Lease {} lost: {}; re-acquiring", held.subnet(), gone.getMessage());
        request = new LeaseManager.Request(request.config(), request.attrs(), request.ttl(), Optional.of(held.subnet()),
                request.iface(), request.otherInterfaces());
        return acquireRetrying();
    }

    /** etcd did not answer the loop: how long to wait before asking again (1 s, 2 s, 4 s ... 30 s). */
    Duration retryIn() {
        return backoff.next();
    }

    /** etcd answered the loop; true when it had not before (the backoff starts again at 1 s). */
    boolean answered() {
        boolean wasFailing = backoff.failing();
        backoff.reset();
        return wasFailing;
    }

    /** Acquires {@link #request}, retrying while etcd is unreachable. False: stopped meanwhile. */
    private boolean acquireRetrying() {
        Backoff retry = new Backoff();
        status.phase("acquiring lease");
        while (true) {
            try {
                held = leases.acquire(request);
                status.etcdOk();
                status.leaseHeld(held.subnet().toString());
                log.info("Subnet lease acquired: {}", held.subnet());
                log.debug("lease key={} etcdLease={} expires={}", SubnetKey.of(etcdPrefix, held.subnet()),
                        Long.toHexString(held.lease().etcdLeaseId()), held.expires());
                metrics.leaseExpiry(held.expires().getEpochSecond());
                return true;
            } catch (RegistryUnavailableException e) {
                Duration wait = retry.next();
                status.etcdFailed(e.getMessage());
                log.warn("etcd unreachable while acquiring a lease ({}); retrying in {}", e.getMessage(), GoDuration.format(wait));
                if (!waits.pause(wait)) {
                    return false;
                }
            }
        }
    }
}
